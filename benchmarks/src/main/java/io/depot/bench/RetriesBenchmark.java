package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark g: an upload through a TCP proxy that cuts a fifth of the requests, and how many bytes the client sends
 * again: presigned parts, where a cut part is sent again whole, and Depot's tus endpoint, where the client resumes at
 * the byte the server holds.
 */
final class RetriesBenchmark extends ServiceBenchmark {

    RetriesBenchmark(Setup setup) {
        super("g", "g. An upload over a network that cuts 20% of requests: presigned parts and tus", setup);
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        List<Double> ratios = new ArrayList<>();
        List<Integer> retries = new ArrayList<>();
        long inCut;
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
            inCut = proxy.forwardedInCutBytes();
        }
        Stats ratio = Stats.of(ratios);
        Tus tus = overTus();
        Stats tusRatio = Stats.of(tus.ratios());
        lines.add(String.format("%s in %d MiB requests through a TCP proxy that cuts each connection with probability "
                + "0.2 at a uniformly random byte of its first %d MiB, one connection per request. Presigned: PUTs of "
                + "%d MiB parts to S3Proxy through the proxy; a cut part is sent again whole on a new connection. tus: "
                + "PATCHes of %d MiB to Depot's tus endpoint (`/v1/tus/`) through the proxy; after a cut the client "
                + "asks `HEAD` for the server's `Upload-Offset` and sends the next %d MiB from there (a PATCH refused "
                + "with 409 or 423 while the cut one is still storing: a pause, then `HEAD` again). Bytes passed on "
                + "count every request byte the proxy forwarded (headers, `HEAD`s and the bytes of cut requests "
                + "included), over the file size. The uploaded file's SHA-256 is checked through Depot's download URL.",
                Report.size(data.length), partSize / MIB, partSize / MIB, partSize / MIB, partSize / MIB,
                partSize / MIB));
        lines.add("");
        lines.add("| path | bytes passed on / file size | requests cut per run | passed on per cut request, MiB | "
                + "of which the server kept | refused, then resumed | SHA-256 of the file |");
        lines.add("|---|---|---|---|---|---|---|");
        int presignedCuts = retries.stream().mapToInt(Integer::intValue).sum();
        int tusCuts = tus.cut().stream().mapToInt(Integer::intValue).sum();
        lines.add(String.format("| presigned %d MiB parts, a cut part sent again | %s | %s | %.1f | none (S3 keeps no "
                        + "part of a cut PUT) | | not checked (aborted) |", partSize / MIB, ratio.format("", 3), retries,
                presignedCuts == 0 ? 0 : inCut / (double) MIB / presignedCuts));
        lines.add(String.format("| tus %d MiB PATCHes, resumed at the server's offset | %s | %s | %.1f | %.0f%% | %s | "
                        + "%s |", partSize / MIB, tusRatio.format("", 3), tus.cut(),
                tusCuts == 0 ? 0 : tus.inCut() / (double) MIB / tusCuts,
                tus.inCut() == 0 ? 100 : 100.0 * tus.kept() / tus.inCut(), tus.refused(),
                tus.matched() == options.runs() ? "matches, " + tus.matched() + " of " + options.runs()
                        : "**differs**, " + (options.runs() - tus.matched()) + " of " + options.runs()));
        section.row("g", "bytes sent / file size with 20% of parts cut", String.format("%.3f", ratio.median()),
                "<= 1.25", ratio.median() <= 1.25);
        section.row("g", "the same over tus, 20% of PATCHes cut, resumed at the server's offset",
                String.format("%.3f; file's SHA-256 matches in %d of %d", tusRatio.median(), tus.matched(),
                        options.runs()), "<= 1.25, same bytes", tusRatio.median() <= 1.25
                        && tus.matched() == options.runs());
    }

    private record Tus(List<Double> ratios, List<Integer> cut, List<Integer> refused, int matched, long inCut,
                       long kept) {
    }

    /** The same file over Depot's tus endpoint behind the same kind of proxy. */
    private Tus overTus() throws Exception {
        List<Double> ratios = new ArrayList<>();
        List<Integer> cut = new ArrayList<>();
        List<Integer> refused = new ArrayList<>();
        int matched = 0;
        long kept = 0;
        long inCut;
        String expected = DepotSession.sha256(data);
        try (LossyProxy proxy = new LossyProxy(service.port())) {
            proxy.cut(0.2, partSize);
            ResumingTusClient client = new ResumingTusClient(URI.create("http://127.0.0.1:" + proxy.port() + "/v1/tus/"),
                    user);
            for (int run = 0; run < options.runs(); run++) {
                service.requireRunning();
                long before = proxy.forwardedBytes();
                ResumingTusClient.Result result = client.upload("lossy-tus-" + run + ".bin", data, partSize);
                ratios.add((proxy.forwardedBytes() - before) / (double) data.length);
                cut.add(result.cut());
                refused.add(result.refused());
                kept += result.keptOfCut();
                String path = result.upload().getPath();
                String fileId = session.fileOf(path.substring(path.lastIndexOf('/') + 1));
                if (session.downloadSha256(fileId).equals(expected)) {
                    matched++;
                }
            }
            inCut = proxy.forwardedInCutBytes();
        }
        return new Tus(ratios, cut, refused, matched, inCut, kept);
    }
}
