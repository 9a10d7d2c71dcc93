package io.depot.command;

import io.depot.platform.testing.ApiDocs;
import io.depot.platform.testing.DescribedServiceTest;
import org.springframework.boot.test.context.SpringBootTest;

import java.util.Set;

/** The command service's OpenAPI document describes every endpoint the service maps, and no other. */
@SpringBootTest(classes = CommandApiApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDocsTest extends DescribedServiceTest {

    @Override
    protected Set<ApiDocs.Endpoint> someOfItsEndpoints() {
        return Set.of(new ApiDocs.Endpoint("POST", "/v1/uploads/initiate"),
                new ApiDocs.Endpoint("DELETE", "/v1/files/{fileId}"), new ApiDocs.Endpoint("GET", "/health"));
    }
}
