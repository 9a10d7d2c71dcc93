package io.depot.allinone;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.storage.StorageEndpoint;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.modelling.saga.SagaScopeDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.TestPropertySource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of one file: its spans, exported to an in-memory exporter in place of an OTLP endpoint, form
 * one trace from the client's requests to the workers' S3 calls; its log lines, as JSON, name trace, user, upload and
 * file, and never carry a credential, whatever Depot logs at DEBUG.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        // On as an OTLP endpoint would turn it on, but exporting only to the exporter below.
        "otel.sdk.disabled=false",
        "otel.traces.exporter=none",
        "depot.log.format=json"})
class TracesAndLogsTest extends EndToEndTest {

    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @TestConfiguration
    static class KeptSpans {
        @Bean
        AutoConfigurationCustomizerProvider keptSpans() {
            return customizer -> customizer.addTracerProviderCustomizer(
                    (tracer, config) -> tracer.addSpanProcessor(SimpleSpanProcessor.create(SPANS)));
        }
    }

    static final AttributeKey<String> UPLOAD_ID = AttributeKey.stringKey("depot.upload_id");
    static final AttributeKey<String> FILE_ID = AttributeKey.stringKey("depot.file_id");

    @Autowired
    StorageEndpoint storageEndpoint;

    @Autowired
    DeadlineManager deadlines;

    @Autowired
    OpenTelemetry openTelemetry;

    private final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

    @BeforeEach
    void debugForDepotOnly() {
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.WARN);
        logging.setLogLevel("io.depot", LogLevel.DEBUG);
    }

    /**
     * Every event as {@code depot.log.format=json} writes it (Spring Boot's ECS encoder), attached where the console
     * appender is, inside the wrapper that adds trace and span ids. The console itself keeps the format of the first
     * application this JVM started, since Spring Boot initializes logging once.
     */
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private OutputStreamAppender<ILoggingEvent> jsonAppender;
    private AppenderAttachable<ILoggingEvent> jsonParent;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void jsonLinesBesideTheConsole() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setFormat("ecs");
        encoder.setContext(context);
        encoder.start();
        jsonAppender = new OutputStreamAppender<>();
        jsonAppender.setContext(context);
        jsonAppender.setEncoder(encoder);
        jsonAppender.setOutputStream(json);
        jsonAppender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        jsonParent = root;
        for (Iterator<Appender<ILoggingEvent>> appenders = root.iteratorForAppenders(); appenders.hasNext(); ) {
            if (appenders.next() instanceof AppenderAttachable<?> wrapper) {
                jsonParent = (AppenderAttachable<ILoggingEvent>) wrapper;
            }
        }
        jsonParent.addAppender(jsonAppender);
    }

    @AfterEach
    void levelsAndAppendersBack() {
        jsonParent.detachAppender(jsonAppender);
        jsonAppender.stop();
        logging.setLogLevel("io.depot", null);
        logging.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
    }

    @Test
    void oneUploadIsOneTraceFromTheClientsRequestsToTheWorkersStorageCalls() {
        String token = api.token("tracy");
        byte[] data = randomBytes(4000, 1701);
        String traceId = hex(16, 1702);
        String clientSpanId = hex(8, 1703);
        Map<String, String> traced = Map.of("traceparent", "00-" + traceId + "-" + clientSpanId + "-01");

        Api.Response initiated = api.post("/v1/uploads/initiate", token, Map.of("filename", uniqueName("traced"),
                "content_type", "application/octet-stream", "size", data.length), traced);
        assertThat(initiated.status()).as(initiated.body()).isEqualTo(201);
        String uploadId = initiated.json().get("upload_id").asText();
        putSingle(initiated.json(), data);
        Api.Response completed = api.post("/v1/uploads/" + uploadId + "/complete", token, null, traced);
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        String fileId = completed.json().get("file_id").asText();
        // Read within the upload's trace too: a read of the file is about it, and an untraced one would start a trace
        // of its own whenever it misses the metadata cache.
        awaitFile(token, fileId, completed.json().get("version").asLong(), traced);
        awaitProjectionsCaughtUp();

        // Awaited in any trace, so that a span about the file outside its trace is named below.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(SPANS.getFinishedSpanItems())
                .anyMatch(s -> s.getName().contains("FileVersionAvailableEvent")
                        && fileId.equals(s.getAttributes().get(FILE_ID))));
        assertThat(SPANS.getFinishedSpanItems()).as("every span about this upload or file is in its trace")
                .filteredOn(span -> uploadId.equals(span.getAttributes().get(UPLOAD_ID))
                        || fileId.equals(span.getAttributes().get(FILE_ID)))
                .isNotEmpty()
                .allSatisfy(span -> assertThat(span.getTraceId()).as(span.getName()).isEqualTo(traceId));
        List<SpanData> trace = spansOf(traceId);
        Set<String> ids = trace.stream().map(SpanData::getSpanId).collect(Collectors.toCollection(HashSet::new));
        ids.add(clientSpanId);
        assertThat(trace).allSatisfy(span -> assertThat(ids).as(span.getName()).contains(span.getParentSpanId()));
        assertThat(trace).anySatisfy(span -> {
            assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(span.getName()).contains("/v1/uploads/initiate");
            assertThat(span.getParentSpanId()).isEqualTo(clientSpanId);
        });
        List<String> names = trace.stream().map(SpanData::getName).toList();
        assertThat(names).as("spans of the trace").anyMatch(n -> n.contains("InitiateUploadCommand"))
                .anyMatch(n -> n.contains("CompleteUploadCommand"))
                .anyMatch(n -> n.startsWith("FinalizeVersionSaga.on(FileVersionedEvent"))
                .anyMatch(n -> n.startsWith("VersionVerifier.on(FileVersionedEvent"))
                .anyMatch(n -> n.equals("S3.CreateMultipartUpload"))
                .anyMatch(n -> n.equals("S3.CompleteMultipartUpload"));
        assertThat(trace).as("the verification worker's S3 calls, with the file they are about")
                .anySatisfy(span -> {
                    assertThat(span.getName()).startsWith("S3.");
                    assertThat(span.getAttributes().get(FILE_ID)).isEqualTo(fileId);
                    assertThat(ids).contains(span.getParentSpanId());
                });
        assertThat(trace).anyMatch(span -> uploadId.equals(span.getAttributes().get(UPLOAD_ID)));
    }

    /**
     * A deadline, as a saga schedules one to retry a failed step, goes through the persistent deadline manager's
     * table and runs in the trace of the handler that scheduled it.
     */
    @Test
    void aDeadlineRunsInTheTraceThatScheduledIt() {
        Span scheduling = openTelemetry.getTracer("test").spanBuilder("saga step failed").startSpan();
        try (Scope ignored = scheduling.makeCurrent()) {
            deadlines.schedule(Duration.ZERO, "trace-check", "attempt 2",
                    new SagaScopeDescriptor("NoSuchSaga", java.util.UUID.randomUUID().toString()));
        } finally {
            scheduling.end();
        }
        String traceId = scheduling.getSpanContext().getTraceId();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(SPANS.getFinishedSpanItems())
                .anyMatch(span -> span.getName().startsWith("DeadlineManager.executeDeadline(trace-check)")));
        List<SpanData> trace = spansOf(traceId);
        assertThat(trace).extracting(SpanData::getName).as("the deadline's spans")
                .anyMatch(name -> name.startsWith("DeadlineManager.scheduleDeadline(trace-check)"))
                .anyMatch(name -> name.startsWith("DeadlineManager.executeDeadline(trace-check)"));
        Set<String> ids = trace.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
        assertThat(trace).as("the spans below the one that scheduled it")
                .filteredOn(span -> !span.getSpanId().equals(scheduling.getSpanContext().getSpanId()))
                .isNotEmpty()
                .allSatisfy(span -> assertThat(ids).as(span.getName()).contains(span.getParentSpanId()));
    }

    @Test
    void logLinesNameTraceUserAndFileAndNeverCarryACredential(CapturedOutput output) {
        String user = "logan-" + java.util.UUID.randomUUID();
        String token = api.token(user);
        byte[] presigned = randomBytes(2500, 1711);
        String presignedId = uploadSmall(token, uniqueName("logged"), presigned);

        // Through the service: initiate, the part streamed through Depot, complete.
        byte[] streamed = randomBytes(3000, 1712);
        JsonNode upload = initiate(token, uniqueName("streamed"), streamed.length, null, sha256(streamed));
        String uploadId = upload.get("upload_id").asText();
        Api.Response part = api.put("/v1/uploads/" + uploadId + "/parts/1", token, streamed);
        assertThat(part.status()).as(part.body()).isEqualTo(200);
        JsonNode completed = complete(token, uploadId);
        String streamedId = completed.get("file_id").asText();
        awaitFile(token, streamedId, completed.get("version").asLong());

        Api.Response download = api.get("/v1/files/" + presignedId + "/download", token);
        assertThat(download.status()).as(download.body()).isEqualTo(200);
        String downloadUrl = download.json().get("url").asText();
        assertThat(api.getUrl(downloadUrl, Map.of()).body()).isEqualTo(presigned);

        Api.Response shared = api.post("/v1/files/" + streamedId + "/shares", token, Map.of("expires_in", 600));
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String shareToken = shared.json().get("token").asText();
        assertThat(api.get("/v1/shares/" + shareToken, null).status()).isEqualTo(200);
        Api.Response sharedDownload = api.get("/v1/shares/" + shareToken + "/download", null);
        assertThat(sharedDownload.status()).as(sharedDownload.body()).isEqualTo(200);
        assertThat(api.getUrl(sharedDownload.json().get("url").asText(), Map.of()).body()).isEqualTo(streamed);
        // A refused token is logged no more than an accepted one.
        assertThat(api.get("/v1/files/" + presignedId, token + "x").status()).isEqualTo(401);
        awaitProjectionsCaughtUp();

        String signature = downloadUrl.replaceAll(".*X-Amz-Signature=([0-9a-f]+).*", "$1");
        assertThat(signature).hasSize(64);
        Map<String, String> secrets = new HashMap<>();
        secrets.put("bearer token", token);
        secrets.put("share token", shareToken);
        secrets.put("download URL signature", signature);
        secrets.put("S3 secret key", storageEndpoint.secretKey());
        secrets.put("presigned URL signature parameter", "X-Amz-Signature");
        secrets.put("signature parameter", "Signature=");
        secrets.put("JWT", "eyJ");
        String logged = output.getAll() + json.toString(StandardCharsets.UTF_8);
        secrets.forEach((what, secret) -> assertThat(secret).as(what).isNotBlank());
        secrets.forEach((what, secret) -> assertThat(logged).as("the logs carry a " + what).doesNotContain(secret));

        assertThat(SPANS.getFinishedSpanItems()).as("spans that carry the share token")
                .noneMatch(span -> span.getAttributes().toString().contains(shareToken))
                .anyMatch(span -> "/v1/shares/{token}/download".equals(
                        span.getAttributes().get(AttributeKey.stringKey("url.path"))));

        List<JsonNode> lines = json.toString(StandardCharsets.UTF_8).lines().map(TracesAndLogsTest::json).toList();
        assertThat(lines).as("JSON lines").isNotEmpty();
        assertThat(lines).as("a line about the streamed upload, in its trace, naming its user")
                .anySatisfy(line -> {
                    assertThat(line.path("upload_id").asText()).isEqualTo(uploadId);
                    assertThat(line.path("user_id").asText()).isEqualTo(user);
                    assertThat(line.path("trace_id").asText()).hasSize(32);
                    assertThat(line.path("span_id").asText()).hasSize(16);
                });
        assertThat(lines).as("a worker's line about the file, in its trace")
                .anySatisfy(line -> {
                    assertThat(line.path("file_id").asText()).isEqualTo(streamedId);
                    assertThat(line.path("trace_id").asText()).hasSize(32);
                });
    }

    private static JsonNode json(String line) {
        try {
            return Api.JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(line, e);
        }
    }

    private static List<SpanData> spansOf(String traceId) {
        return SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static String hex(int bytes, long seed) {
        byte[] value = new byte[bytes];
        new Random(seed + System.nanoTime()).nextBytes(value);
        value[0] |= 1;
        return HexFormat.of().formatHex(value);
    }
}
