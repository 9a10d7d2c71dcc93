package io.depot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The reference of benchmark a: Debian's nginx as a streaming reverse proxy in front of the same S3Proxy
 * ({@code proxy_request_buffering off}), one process (no master, one worker), so its CPU is one process's. Clients
 * send presigned part PUTs to it; it passes S3Proxy's host on, so the signatures made for S3Proxy hold.
 */
final class Nginx {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private Nginx() {
    }

    static Processes.Server start(Processes processes, Path work, Processes.Server s3)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("benchmark a compares the service with nginx: install it "
                    + "(Debian: apt-get install nginx; .ci/run does)");
        }
        Path dir = Files.createDirectories(work.resolve("nginx"));
        int port = Processes.freePort();
        String upstream = "127.0.0.1:" + s3.port();
        String config = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream s3 { server %2$s; keepalive 16; }
                    server {
                        listen 127.0.0.1:%3$d;
                        client_max_body_size 0;
                        location / {
                            proxy_pass http://s3;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host %2$s;
                            proxy_request_buffering off;
                            proxy_buffering off;
                        }
                    }
                }
                """.formatted(dir, upstream, port);
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config);
        Process nginx = processes.start(List.of(BINARY.toString(), "-p", dir.toString(), "-e",
                dir.resolve("error.log").toString(), "-c", conf.toString()), Map.of(), dir.resolve("nginx.out"));
        Processes.awaitPort(port, Duration.ofSeconds(30));
        return new Processes.Server(port, nginx);
    }

    /** The same presigned URL, sent to nginx instead of S3Proxy. */
    static String through(Processes.Server nginx, Processes.Server s3, String presignedUrl) {
        String direct = "//127.0.0.1:" + s3.port() + "/";
        if (!presignedUrl.contains(direct)) {
            throw new IllegalStateException("a presigned URL not for S3Proxy at " + direct + ": " + presignedUrl);
        }
        return presignedUrl.replace(direct, "//127.0.0.1:" + nginx.port() + "/");
    }
}
