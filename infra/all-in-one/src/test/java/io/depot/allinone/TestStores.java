package io.depot.allinone;

import de.bwaldvogel.mongo.MongoServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stores a test runs beside a Depot it starts itself: S3Proxy on the filesystem, mongo-java-server in
 * memory, and a fresh PostgreSQL schema. They outlive restarts of that Depot.
 *
 * @param dataDir the directory for objects and Depot's own files
 * @param jdbcUrl the event store's schema
 * @param s3      the object store
 * @param mongo   the read-model store
 */
record TestStores(Path dataDir, String jdbcUrl, EmbeddedStores.EmbeddedObjectStore s3, MongoServer mongo)
        implements AutoCloseable {

    static final String ACCESS_KEY = "depot";
    static final String SECRET_KEY = "depot-embedded-secret";

    static TestStores start(String name) throws Exception {
        String jdbcUrl = TestPostgres.schemaUrl();
        Path dataDir = Files.createTempDirectory("depot-" + name + "-");
        var embedded = new EmbeddedStores();
        var properties = new EmbeddedProperties(dataDir, 0, ACCESS_KEY, SECRET_KEY, 0, true);
        var s3 = embedded.embeddedObjectStore(properties);
        return new TestStores(dataDir, jdbcUrl, s3, embedded.embeddedMongo(properties));
    }

    @Override
    public void close() throws IOException {
        mongo.shutdownNow();
        try {
            s3.stop();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
