package io.depot.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/** Writes a {@link Problem} as {@code application/problem+json}; shared by the error handler and security. */
public class ProblemWriter {

    /** What a client told to come back later should wait, in seconds. */
    static final String RETRY_AFTER_SECONDS = "2";

    /** Refusals, one line each: what was refused, why and from where; never a token or a request body. */
    private static final Logger audit = LoggerFactory.getLogger("depot.audit");

    private final ObjectMapper objectMapper;
    private final MeterRegistry meters;
    private final ClientAddress clientAddress;

    public ProblemWriter(ObjectMapper objectMapper, MeterRegistry meters, ClientAddress clientAddress) {
        this.objectMapper = objectMapper;
        this.meters = meters;
        this.clientAddress = clientAddress;
    }

    public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        String path = exchange.getRequest().getPath().value();
        byte[] bytes = bytes(problem, path);
        record(String.valueOf(exchange.getRequest().getMethod()), path, clientAddress.of(exchange.getRequest()), problem);
        response.setStatusCode(problem.status());
        if (problem.status().value() == 503) {
            response.getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    /** The problem as an {@code application/problem+json} body; {@code instance} is left out when null. */
    byte[] bytes(Problem problem, String instance) {
        try {
            return objectMapper.writeValueAsBytes(problem.body(instance));
        } catch (JsonProcessingException e) {
            return ("{\"status\":" + problem.status().value() + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    ClientAddress clientAddress() {
        return clientAddress;
    }

    /**
     * Counts the refusal ({@code depot.requests.refused} by code and status) and writes it to the audit log; the
     * method and path are {@code -} for a request that could not be read far enough to know them.
     */
    void record(String method, String path, String client, Problem problem) {
        meters.counter("depot.requests.refused", "code", problem.code().slug(),
                "status", Integer.toString(problem.status().value())).increment();
        if (problem.status().is4xxClientError()) {
            audit.info("refused {} {} from {}: {} {} ({})", clean(method), clean(path), client,
                    problem.status().value(), problem.code().slug(), clean(problem.detail()));
        }
    }

    private static String clean(String text) {
        return String.valueOf(text).replaceAll("\\p{Cntrl}", "?");
    }
}
