package io.depot.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tus peer of benchmark h: benchmarks/tus ({@code @tus/server} with {@code @tus/s3-store}) on Node, storing into
 * a bucket of its own on S3Proxy.
 */
final class TusPeer {

    private TusPeer() {
    }

    /** Starts the peer; it writes S3 parts of {@code partSize}. */
    static Processes.Server start(Processes processes, Path work, Path root, Processes.Server s3, long partSize)
            throws IOException, InterruptedException {
        int port = Processes.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("TUS_PORT", Integer.toString(port));
        env.put("TUS_S3_ENDPOINT", "http://127.0.0.1:" + s3.port());
        env.put("TUS_S3_BUCKET", "tus-peer");
        env.put("TUS_S3_ACCESS_KEY", S3Proxy.ACCESS_KEY);
        env.put("TUS_S3_SECRET_KEY", S3Proxy.SECRET_KEY);
        env.put("TUS_PART_SIZE", Long.toString(partSize));
        Process tus = processes.start(List.of("node", root.resolve("benchmarks/tus/server.mjs").toString()), env,
                work.resolve("tus.log"));
        Processes.awaitPort(port, Duration.ofSeconds(60));
        return new Processes.Server(port, tus);
    }

    /** Where uploads are created. */
    static URI endpoint(Processes.Server peer) {
        return URI.create("http://127.0.0.1:" + peer.port() + "/files/");
    }
}
