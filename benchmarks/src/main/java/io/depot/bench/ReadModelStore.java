package io.depot.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.depot.platform.MongoStandInVersion;

/**
 * The benchmarked service's MongoDB: mongo-java-server with its in-memory backend, in a process of its own. No
 * MongoDB can run on the benchmark machines; this stand-in keeps documents as objects, where the all-in-one's
 * default H2 file backend serializes every document it writes (Java serialization), which would make the
 * benchmarks measure that serialization rather than Depot.
 */
public final class ReadModelStore {

    private ReadModelStore() {
    }

    public static void main(String[] args) throws InterruptedException {
        MemoryBackend backend = new MemoryBackend();
        backend.version(MongoStandInVersion.MONGO_4_2);
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        Thread.currentThread().join();
    }
}
