package io.depot.platform.web;

import io.depot.platform.security.SecurityAutoConfiguration;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Each operation's security and problem responses, decided from its method and path with the rules
 * {@link SecurityAutoConfiguration} enforces, so that a new controller is described without annotations of its own.
 * Responses a controller declares itself are kept.
 */
final class DocumentedOperations implements OpenApiCustomizer {

    static final String PROBLEM_SCHEMA = "Problem";
    private static final List<PathPattern> OPEN = patterns(Arrays.stream(SecurityAutoConfiguration.OPEN_PATHS));
    private static final List<PathPattern> NEEDS_ROLE = patterns(Stream.of(SecurityAutoConfiguration.ADMIN_PATHS,
            SecurityAutoConfiguration.AUDIT_PATHS));
    private static final List<PathPattern> PUBLIC_READS = patterns(Stream.of(SecurityAutoConfiguration.PUBLIC_DOWNLOADS,
            SecurityAutoConfiguration.PUBLIC_VERSION_DOWNLOADS, SecurityAutoConfiguration.SHARE_LINKS));

    @Override
    public void customise(OpenAPI openApi) {
        openApi.getComponents().addSchemas(PROBLEM_SCHEMA, problemSchema());
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> {
            PathContainer template = PathContainer.parsePath(path);
            item.readOperationsMap().forEach((method, operation) -> describe(template, method, operation));
        });
    }

    private static void describe(PathContainer path, PathItem.HttpMethod method, Operation operation) {
        boolean open = matches(OPEN, path);
        boolean optionalToken = method == PathItem.HttpMethod.GET && matches(PUBLIC_READS, path);
        if (open) {
            operation.setSecurity(List.of());
        } else if (optionalToken) {
            operation.setSecurity(List.of(new SecurityRequirement(),
                    new SecurityRequirement().addList(ApiDocsAutoConfiguration.BEARER)));
        }
        if (!path.value().startsWith("/v1/")) {
            return;
        }
        Set<HttpStatus> statuses = new LinkedHashSet<>();
        statuses.add(HttpStatus.BAD_REQUEST);
        if (!open) {
            statuses.add(HttpStatus.UNAUTHORIZED);
        }
        if (matches(NEEDS_ROLE, path)) {
            statuses.add(HttpStatus.FORBIDDEN);
        }
        if (path.value().contains("{")) {
            statuses.add(HttpStatus.NOT_FOUND);
        }
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD) {
            statuses.add(HttpStatus.CONFLICT);
        }
        if (operation.getRequestBody() != null) {
            statuses.add(HttpStatus.PAYLOAD_TOO_LARGE);
            statuses.add(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        }
        statuses.add(HttpStatus.TOO_MANY_REQUESTS);
        statuses.add(HttpStatus.SERVICE_UNAVAILABLE);
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        for (HttpStatus status : statuses) {
            operation.getResponses().putIfAbsent(String.valueOf(status.value()), problem(status));
        }
    }

    private static ApiResponse problem(HttpStatus status) {
        return new ApiResponse()
                .description(status.getReasonPhrase())
                .content(new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE, new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA))));
    }

    /** The members {@link Problem#body} writes; further members (such as the invalid fields) may follow. */
    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem; further members may follow, such as the invalid fields")
                .properties(Map.of(
                        "type", new StringSchema().description("A stable URI per error code, "
                                + Problem.TYPE_PREFIX + "<code>"),
                        "title", new StringSchema().description("The error code's title"),
                        "status", new IntegerSchema().description("The HTTP status"),
                        "detail", new StringSchema().description("What went wrong with this request"),
                        "instance", new StringSchema().description("The request's path"),
                        "code", new StringSchema().description("The error code, such as validation-failed")))
                .required(List.of("type", "title", "status", "code"))
                .additionalProperties(true);
    }

    private static boolean matches(List<PathPattern> patterns, PathContainer path) {
        return patterns.stream().anyMatch(pattern -> pattern.matches(path));
    }

    private static List<PathPattern> patterns(Stream<String> paths) {
        return paths.map(PathPatternParser.defaultInstance::parse).toList();
    }
}
