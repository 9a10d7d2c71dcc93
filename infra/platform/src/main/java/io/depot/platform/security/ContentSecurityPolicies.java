package io.depot.platform.security;

import org.springframework.http.server.PathContainer;
import org.springframework.security.web.server.header.ServerHttpHeadersWriter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code Content-Security-Policy} of every response: nothing may load from an API answer, except on the Swagger
 * UI's own pages, which run their scripts and styles from this service (the webjar in the jar, no CDN) and fetch the
 * document from it, and on the upload page, which loads its script, style and icon from this service and calls only it
 * and object storage (where it may put parts to their presigned URLs). Chosen once per response from the path, before
 * it is committed.
 */
final class ContentSecurityPolicies implements ServerHttpHeadersWriter {

    static final String HEADER = "Content-Security-Policy";
    static final String API = "default-src 'none'; frame-ancestors 'none'";
    /** Swagger UI sets inline style attributes and inlines its icons as data: URIs; its scripts are files. */
    static final String DOCS_UI = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private static final List<PathPattern> DOCS_UI_PATHS = Arrays.stream(SecurityAutoConfiguration.DOCS_UI_PATHS)
            .map(PathPatternParser.defaultInstance::parse)
            .toList();
    private static final List<PathPattern> PAGE_PATHS = Arrays.stream(SecurityAutoConfiguration.PAGE_PATHS)
            .map(PathPatternParser.defaultInstance::parse)
            .toList();

    private final String page;

    /** {@code storageOrigin}: where presigned URLs point, or null when this service has no object storage. */
    ContentSecurityPolicies(String storageOrigin) {
        this.page = page(storageOrigin);
    }

    /** The upload page: files of its own only, no inline script or style, calls to this origin and to storage only. */
    static String page(String storageOrigin) {
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'"
                + (storageOrigin == null ? "" : " " + storageOrigin)
                + "; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    @Override
    public Mono<Void> writeHttpHeaders(ServerWebExchange exchange) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        String policy = API;
        if (DOCS_UI_PATHS.stream().anyMatch(pattern -> pattern.matches(path))) {
            policy = DOCS_UI;
        } else if (PAGE_PATHS.stream().anyMatch(pattern -> pattern.matches(path))) {
            policy = page;
        }
        exchange.getResponse().getHeaders().set(HEADER, policy);
        return Mono.empty();
    }
}
