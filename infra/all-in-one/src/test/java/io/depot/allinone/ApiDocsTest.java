package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.testing.ApiDocs;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The all-in-one's OpenAPI document, open to anyone at {@code /v3/api-docs}: every endpoint it maps and no other,
 * with the bearer token and the problems each may answer, property names as on the wire; and its Swagger UI, whose
 * scripts come from the jar and may run on its pages only.
 */
class ApiDocsTest extends EndToEndTest {

    private static final String UI_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    @Autowired
    ApplicationContext context;

    @Test
    void theDocumentDescribesEveryMappedEndpointAndNoOther() {
        Set<ApiDocs.Endpoint> mapped = ApiDocs.mapped(context);

        assertThat(mapped).contains(new ApiDocs.Endpoint("POST", "/v1/uploads/initiate"),
                new ApiDocs.Endpoint("GET", "/v1/files/{fileId}"), new ApiDocs.Endpoint("POST", "/v1/dev/tokens"),
                new ApiDocs.Endpoint("GET", "/health"));
        ApiDocs.assertDescribesExactly(ApiDocs.documented(ApiDocs.fetch(port)), mapped);
    }

    @Test
    void theComparisonFailsOnAnEndpointLeftOutOfTheDocumentAndOnOneOnlyInIt() {
        Set<ApiDocs.Endpoint> mapped = ApiDocs.mapped(context);
        Set<ApiDocs.Endpoint> documented = ApiDocs.documented(ApiDocs.fetch(port));
        ApiDocs.Endpoint left = new ApiDocs.Endpoint("DELETE", "/v1/files/{fileId}");

        Set<ApiDocs.Endpoint> leftOut = new TreeSet<>(documented);
        assertThat(leftOut.remove(left)).isTrue();
        assertThatThrownBy(() -> ApiDocs.assertDescribesExactly(leftOut, mapped))
                .isInstanceOf(AssertionError.class).hasMessageContaining(left.toString());

        ApiDocs.Endpoint invented = new ApiDocs.Endpoint("GET", "/v1/files/{fileId}/nowhere");
        Set<ApiDocs.Endpoint> inventedToo = new TreeSet<>(documented);
        inventedToo.add(invented);
        assertThatThrownBy(() -> ApiDocs.assertDescribesExactly(inventedToo, mapped))
                .isInstanceOf(AssertionError.class).hasMessageContaining(invented.toString());
    }

    @Test
    void callsNeedTheBearerTokenButTheOpenOnes() {
        JsonNode document = ApiDocs.fetch(port);

        JsonNode bearer = document.at("/components/securitySchemes/bearer");
        assertThat(bearer.path("type").asText()).isEqualTo("http");
        assertThat(bearer.path("scheme").asText()).isEqualTo("bearer");
        assertThat(bearer.path("bearerFormat").asText()).isEqualTo("JWT");
        assertThat(document.path("security").toString()).isEqualTo("[{\"bearer\":[]}]");
        JsonNode paths = document.path("paths");
        assertThat(paths.at("/~1v1~1uploads~1initiate/post").has("security")).isFalse();
        assertThat(paths.at("/~1v1~1dev~1tokens/post/security").toString()).isEqualTo("[]");
        assertThat(paths.at("/~1health/get/security").toString()).isEqualTo("[]");
        assertThat(paths.at("/~1v1~1files~1{fileId}~1download/get/security").toString())
                .isEqualTo("[{},{\"bearer\":[]}]");
        assertThat(document.at("/info/title").asText()).isEqualTo("Depot API (depot)");
        assertThat(document.at("/info/version").asText()).isNotBlank();
        assertThat(document.at("/info/description").asText()).contains("snake_case", "RFC 9457");
    }

    @Test
    void refusalsAreDescribedAsProblems() {
        JsonNode document = ApiDocs.fetch(port);

        JsonNode problem = document.at("/components/schemas/Problem/properties");
        assertThat(List.of("type", "title", "status", "detail", "instance", "code"))
                .allSatisfy(member -> assertThat(problem.has(member)).as(member).isTrue());
        JsonNode initiate = document.at("/paths/~1v1~1uploads~1initiate/post/responses");
        assertThat(initiate.fieldNames()).toIterable().contains("400", "401", "409", "413", "415", "429", "503");
        assertThat(initiate.at("/400/content/application~1problem+json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Problem");
        assertThat(document.at("/paths/~1v1~1files~1{fileId}/get/responses").fieldNames()).toIterable()
                .contains("200", "400", "401", "404", "429", "503").doesNotContain("403", "409");
        assertThat(document.at("/paths/~1v1~1admin~1reconcile-runs/post/responses").fieldNames()).toIterable()
                .contains("401", "403", "409");
        assertThat(document.at("/paths/~1v1~1dev~1tokens/post/responses").fieldNames()).toIterable()
                .contains("400").doesNotContain("401");
    }

    @Test
    void schemasNameTheirPropertiesAsTheWireDoes() {
        JsonNode schemas = ApiDocs.fetch(port).at("/components/schemas");

        assertThat(schemas.at("/InitiateUploadRequest/properties").fieldNames()).toIterable()
                .contains("filename", "content_type", "size", "storage_class", "part_size")
                .doesNotContain("contentType", "storageClass", "partSize");
        assertThat(schemas.at("/InitiateUploadResponse/properties").fieldNames()).toIterable()
                .contains("upload_id", "file_id", "expires_at");
    }

    @Test
    void theSwaggerUiLoadsFromTheJarUnderAPolicyOfItsOwn() {
        Api.Response welcome = api.get("/swagger-ui.html", null);
        assertThat(welcome.status()).as(welcome.body()).isEqualTo(302);
        String page = welcome.headers().get("location").get(0);
        assertThat(page).isEqualTo("/swagger-ui/index.html");

        Api.Response index = api.get(page, null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.contentType()).startsWith("text/html");
        assertThat(index.headers().get("content-security-policy")).containsExactly(UI_POLICY);
        assertThat(index.body()).contains("src=\"./swagger-ui-bundle.js\"", "src=\"./swagger-initializer.js\"")
                .doesNotContain("https://");
        for (String script : List.of("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-initializer.js")) {
            Api.Response js = api.get("/swagger-ui/" + script, null);
            assertThat(js.status()).as(script).isEqualTo(200);
            assertThat(js.contentType()).as(script).contains("javascript");
            assertThat(js.headers().get("content-security-policy")).containsExactly(UI_POLICY);
        }
        Api.Response config = api.get("/v3/api-docs/swagger-config", null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().path("url").asText()).isEqualTo("/v3/api-docs");
    }

    @Test
    void theApiKeepsItsPolicyThatLoadsNothing() {
        Api.Response docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.contentType()).startsWith("application/json");
        assertThat(docs.headers().get("content-security-policy")).containsExactly("default-src 'none'; frame-ancestors 'none'");

        Api.Response refused = api.send("GET", "/v1/users/alice/files", Map.of(), HttpRequest.BodyPublishers.noBody());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers().get("content-security-policy")).containsExactly("default-src 'none'; frame-ancestors 'none'");
    }
}
