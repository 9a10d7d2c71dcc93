package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmark c: one presigned part URL, Depot's signer beside the AWS SDK's presigner ({@link PresignBenchmark} under
 * JMH), and initiating an upload answered with thousands of part URLs.
 */
final class PresignedUrlsBenchmark extends ServiceBenchmark {

    PresignedUrlsBenchmark(Setup setup) {
        super("c", "c. Presigned URLs", setup);
    }

    @Override
    public void run(Report.Section section) throws Exception {
        List<String> lines = section.lines();
        boolean smoke = options.smoke();
        var jmh = new OptionsBuilder().include(PresignBenchmark.class.getName()).forks(1)
                .warmupIterations(smoke ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(smoke ? 1 : 5).measurementTime(TimeValue.seconds(smoke ? 1 : 2))
                .jvmArgs("-Xmx512m").build();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult result : new Runner(jmh).run()) {
            String name = result.getParams().getBenchmark();
            scores.put(name.substring(name.lastIndexOf('.') + 1), new double[]{result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError()});
        }
        double[] depotScore = scores.get("depotSigner");
        double[] sdkScore = scores.get("sdkPresigner");
        lines.add(String.format("JMH (`PresignBenchmark`, 1 fork, %d measurement iterations), µs per presigned part URL: "
                        + "Depot's signer %.2f ± %.2f; the AWS SDK's presigner %.2f ± %.2f.", smoke ? 1 : 5,
                depotScore[0], Double.isNaN(depotScore[1]) ? 0 : depotScore[1], sdkScore[0],
                Double.isNaN(sdkScore[1]) ? 0 : sdkScore[1]));
        section.row("c", "one presigned part URL (JMH)", String.format("%.2f µs (SDK presigner: %.2f µs)",
                depotScore[0], sdkScore[0]), "<= 20 µs", depotScore[0] <= 20);

        int parts = smoke ? 1000 : 10_000;
        List<Double> seconds = new ArrayList<>();
        for (int run = 0; run < options.runs(); run++) {
            long t0 = System.nanoTime();
            JsonNode upload = depot.initiate(user, "many-parts-" + run + ".bin", parts * 5 * MIB, 5 * MIB);
            seconds.add((System.nanoTime() - t0) / 1e9);
            if (upload.get("presigned_urls").size() != parts) {
                throw new IllegalStateException("expected " + parts + " URLs");
            }
            depot.delete("/v1/uploads/" + upload.get("upload_id").asText(), user).expect(204);
        }
        Stats initiate = Stats.of(seconds);
        lines.add("Initiating an upload of " + parts + " parts of 5 MiB, answered with every part's URL: " + initiate.format("s", 3) + ".");
        section.row("c", "initiate a " + parts + "-part upload", String.format("%.3f s", initiate.median()), "<= 0.5 s",
                initiate.median() <= 0.5);
    }
}
