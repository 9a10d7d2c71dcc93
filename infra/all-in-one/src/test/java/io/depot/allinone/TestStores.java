package io.depot.allinone;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.depot.platform.MongoStandInVersion;
import io.depot.platform.testing.TestPostgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stores a test runs beside a Depot it starts itself: S3Proxy on the filesystem, mongo-java-server in
 * memory, and a fresh schema on the tests' PostgreSQL ({@link TestPostgres}). They outlive restarts of that Depot.
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
        var properties = new EmbeddedProperties(dataDir, 0, ACCESS_KEY, SECRET_KEY, 0, true);
        var s3 = EmbeddedStores.startObjectStore(properties);
        return new TestStores(dataDir, jdbcUrl, s3, EmbeddedStores.startMongo(properties, false));
    }

    /**
     * The stores several Depot processes share, as in a deployment of separate services: mongo-java-server handles
     * one command at a time. A token claim is an update conditional on the token's owner, which MongoDB applies
     * atomically; mongo-java-server runs the commands of different connections in parallel without locking, so two
     * processes could both claim a segment.
     */
    static TestStores startShared(String name) throws Exception {
        String jdbcUrl = TestPostgres.schemaUrl();
        Path dataDir = Files.createTempDirectory("depot-" + name + "-");
        var properties = new EmbeddedProperties(dataDir, 0, ACCESS_KEY, SECRET_KEY, 0, true);
        var s3 = EmbeddedStores.startObjectStore(properties);
        H2Backend backend = H2Backend.inMemory();
        backend.version(MongoStandInVersion.MONGO_4_2);
        MongoServer mongo = new MongoServer(backend);
        mongo.bind(new InetSocketAddress("127.0.0.1", 0), 1, 1);
        return new TestStores(dataDir, jdbcUrl, s3, mongo);
    }

    /** The read-model store's address, with Depot's database. */
    String mongoUri() {
        return "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/depot";
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
