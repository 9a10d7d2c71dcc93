package io.depot.query;

import io.depot.platform.testing.ApiDocs;
import io.depot.platform.testing.DescribedServiceTest;
import org.springframework.boot.test.context.SpringBootTest;

import java.util.Set;

/** The query service's OpenAPI document describes every endpoint the service maps, and no other. */
@SpringBootTest(classes = QueryApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDocsTest extends DescribedServiceTest {

    @Override
    protected Set<ApiDocs.Endpoint> someOfItsEndpoints() {
        return Set.of(new ApiDocs.Endpoint("GET", "/v1/files/{fileId}/download"),
                new ApiDocs.Endpoint("GET", "/v1/users/{userId}/files"), new ApiDocs.Endpoint("GET", "/health"));
    }
}
