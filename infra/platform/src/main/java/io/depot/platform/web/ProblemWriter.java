package io.depot.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/** Writes a {@link Problem} as {@code application/problem+json}; shared by the error handler and security. */
public class ProblemWriter {

    /** What a client told to come back later should wait, in seconds. */
    static final String RETRY_AFTER_SECONDS = "2";

    private final ObjectMapper objectMapper;

    public ProblemWriter(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes;
        try {
            bytes = objectMapper.writeValueAsBytes(problem.body(exchange.getRequest().getPath().value()));
        } catch (JsonProcessingException e) {
            bytes = ("{\"status\":" + problem.status().value() + "}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatusCode(problem.status());
        if (problem.status().value() == 503) {
            response.getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
