package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark g: a presigned upload through a TCP proxy that cuts a fifth of the part uploads, and how many bytes the
 * client sends again.
 */
final class RetriesBenchmark extends ServiceBenchmark {

    RetriesBenchmark(Setup setup) {
        super("g", "g. An upload over a network that cuts 20% of part uploads", setup);
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        List<Double> ratios = new ArrayList<>();
        List<Integer> retries = new ArrayList<>();
        try (LossyProxy proxy = new LossyProxy(s3.port())) {
            proxy.cut(0.2, partSize);
            for (int run = 0; run < options.runs(); run++) {
                JsonNode upload = depot.initiate(user, "lossy-" + run + ".bin", data.length, partSize);
                String uploadId = upload.get("upload_id").asText();
                long before = proxy.forwardedBytes();
                int attempts = 0;
                for (int part = 1; part <= upload.get("part_count").asInt(); part++) {
                    int offset = (int) ((part - 1) * partSize);
                    int length = (int) Math.min(partSize, data.length - offset);
                    String url = upload.get("presigned_urls").get(part - 1).asText();
                    String viaProxy = url.replace("127.0.0.1:" + s3.port(), "127.0.0.1:" + proxy.port());
                    String etag = null;
                    while (etag == null) {
                        attempts++;
                        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                        try {
                            etag = depot.putUrl(fresh, viaProxy, data, offset, length,
                                    Map.of("Host", "127.0.0.1:" + s3.port()));
                        } catch (RuntimeException cut) {
                            // the network cut it: send the part again
                        }
                    }
                    depot.post("/v1/uploads/" + uploadId + "/parts/" + part, user, Map.of("etag", etag)).expect(200);
                }
                ratios.add((proxy.forwardedBytes() - before) / (double) data.length);
                retries.add(attempts - upload.get("part_count").asInt());
                depot.delete("/v1/uploads/" + uploadId, user).expect(204);
            }
        }
        Stats ratio = Stats.of(ratios);
        lines.add(String.format("%s in %d MiB presigned parts; a TCP proxy in front of S3Proxy cuts each connection "
                + "with probability 0.2 at a uniformly random byte of the part; the client sends a cut part again on "
                + "a new connection. Bytes the proxy passed on / file size: %s; parts sent again per run: %s.",
                Report.size(data.length), partSize / MIB, ratio.format("", 3), retries));
        section.row("g", "bytes sent / file size with 20% of parts cut", String.format("%.3f", ratio.median()),
                "<= 1.25", ratio.median() <= 1.25);
    }
}
