package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Depot's {@code /prometheus} as Prometheus sees it: a real Prometheus scraping this Depot counts an upload and a
 * download; the alert rules and the Grafana dashboard name only metrics Depot exports; and no label carries an id.
 */
class MetricsTest extends EndToEndTest {

    private static final Path ALERTS = Path.of("../prometheus/alerts.yml");
    private static final Path DASHBOARD = Path.of("../grafana/provisioning/dashboards/depot.json");
    private static final String DOWNLOAD_REQUESTS =
            "http_server_requests_seconds_count{uri=\"/v1/files/{fileId}/download\",status=\"200\"}";

    private record Transfer(String userId, String fileId, String uploadId) {
    }

    /** A small upload, completed, and one download URL for it; returns its ids. */
    private Transfer uploadAndDownload() {
        String userId = "metrics-" + java.util.UUID.randomUUID();
        String token = api.token(userId);
        byte[] data = randomBytes(4096, 7);
        JsonNode upload = initiate(token, uniqueName("metrics"), data.length, null, null);
        putSingle(upload, data);
        String uploadId = upload.get("upload_id").asText();
        JsonNode completed = complete(token, uploadId);
        String fileId = completed.get("file_id").asText();
        assertThat(download(token, fileId)).isEqualTo(data);
        return new Transfer(userId, fileId, uploadId);
    }

    @Test
    void prometheusCountsAnUploadAndADownloadOfARunningDepot() throws Exception {
        try (PrometheusServer prometheus = PrometheusServer.start(port, ALERTS)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> prometheus.value("sum(depot_uploads_completed_total)") != null);
            Map<String, Double> expected = new java.util.LinkedHashMap<>();
            for (String counter : List.of("depot_uploads_started_total", "depot_uploads_completed_total",
                    "depot_download_urls_issued_total{via=\"user\"}", DOWNLOAD_REQUESTS,
                    "depot_commands_seconds_count{command=\"CompleteUploadCommand\",outcome=\"success\"}")) {
                expected.put(counter, valueOrZero(prometheus, counter) + 1);
            }
            double storageCalls = valueOrZero(prometheus, "depot_storage_requests_seconds_count{outcome=\"success\"}");

            uploadAndDownload();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, Double> actual = new java.util.LinkedHashMap<>();
                expected.keySet().forEach(counter -> actual.put(counter, valueOrZero(prometheus, counter)));
                assertThat(actual).isEqualTo(expected);
                assertThat(valueOrZero(prometheus, "depot_storage_requests_seconds_count{outcome=\"success\"}"))
                        .isGreaterThan(storageCalls);
            });
            assertThat(prometheus.value("count(depot_processor_lag_events{group=\"files\"})")).isEqualTo(1.0);
            // Every alert rule was evaluated against Depot's series without an error.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<JsonNode> rules = new ArrayList<>();
                prometheus.api("/api/v1/rules").path("data").path("groups")
                        .forEach(group -> group.path("rules").forEach(rules::add));
                assertThat(rules).hasSize(5).allSatisfy(rule ->
                        assertThat(rule.path("health").asText()).as(rule.toString()).isEqualTo("ok"));
            });
        }
    }

    private static double valueOrZero(PrometheusServer prometheus, String series) {
        Double value = prometheus.value("sum(" + series + ")");
        return value == null ? 0 : value;
    }

    @Test
    void alertRulesAndDashboardNameOnlyMetricsDepotExports() throws IOException {
        uploadAndDownload();
        Set<String> exported = exportedNames(scrape());

        Map<String, String> expressions = new java.util.LinkedHashMap<>();
        Map<String, Object> alerts = new Yaml().load(Files.readString(ALERTS));
        for (Object group : (List<?>) alerts.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                expressions.put("alert " + r.get("alert"), String.valueOf(r.get("expr")));
            }
        }
        new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels").forEach(panel -> panel.path("targets")
                .forEach(target -> expressions.put("panel " + panel.path("title").asText() + " "
                        + target.path("refId").asText(), target.path("expr").asText())));
        assertThat(expressions).hasSizeGreaterThan(15);

        expressions.forEach((where, expr) -> assertThat(metricNames(expr))
                .as(where + ": " + expr).isNotEmpty().isSubsetOf(exported));
    }

    @Test
    void labelsCarryNoIdsAndRoutesAreTemplates() {
        Transfer transfer = uploadAndDownload();
        String metrics = scrape();

        assertThat(metrics).contains("depot_uploads_streamed_bytes_total", "depot_rate_limit_refusals_total",
                "depot_scan_verdicts_total", "depot_uploads_expired_total", "depot_dead_letters");
        assertThat(metrics).doesNotContain(transfer.userId(), transfer.fileId(), transfer.uploadId());
        Matcher uris = Pattern.compile("uri=\"([^\"]*)\"").matcher(metrics);
        Set<String> routes = new TreeSet<>();
        while (uris.find()) {
            routes.add(uris.group(1));
        }
        assertThat(routes).contains("/v1/files/{fileId}/download", "/v1/uploads/{uploadId}/complete")
                .allSatisfy(uri -> assertThat(uri).doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-"));
    }

    private String scrape() {
        Api.Response response = api.get("/prometheus", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** Every sample name in Prometheus' text format. */
    private static Set<String> exportedNames(String metrics) {
        Set<String> names = new TreeSet<>();
        metrics.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
        return names;
    }

    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan");

    /**
     * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges and grouping
     * clauses are taken out, minus functions (a name before a parenthesis) and the language's words.
     */
    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?").matcher(bare);
        while (m.find()) {
            if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
