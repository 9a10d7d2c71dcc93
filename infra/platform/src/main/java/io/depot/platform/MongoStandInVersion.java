package io.depot.platform;

import de.bwaldvogel.mongo.MongoVersion;

import java.util.List;

/**
 * The MongoDB version mongo-java-server reports where it stands in for MongoDB (the all-in-one, the benchmarks, the
 * tests). The driver Spring Boot brings needs MongoDB 4.2 (wire version 8) or later; mongo-java-server's own
 * versions stop at 4.0.
 */
public enum MongoStandInVersion implements MongoVersion {

    MONGO_4_2;

    @Override
    public List<Integer> getVersionArray() {
        return List.of(4, 2, 0);
    }

    @Override
    public int getWireVersion() {
        return 8;
    }
}
