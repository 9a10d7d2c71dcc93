package io.depot.platform.testing;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service booted whole on its stores ({@link ServiceStores}) by a subclass's
 * {@code @SpringBootTest(classes = <its application>, webEnvironment = RANDOM_PORT)}: its OpenAPI document describes
 * every endpoint it maps, and no other ({@link ApiDocs}).
 */
public abstract class DescribedServiceTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected ApplicationContext context;

    @DynamicPropertySource
    static void stores(DynamicPropertyRegistry registry) {
        ServiceStores.register(registry);
    }

    /** A few endpoints the service is known to map, so that an empty mapping cannot pass for a complete document. */
    protected abstract Set<ApiDocs.Endpoint> someOfItsEndpoints();

    @Test
    void theDocumentDescribesEveryMappedEndpointAndNoOther() {
        Set<ApiDocs.Endpoint> mapped = ApiDocs.mapped(context);

        assertThat(mapped).containsAll(someOfItsEndpoints());
        ApiDocs.assertDescribesExactly(ApiDocs.documented(ApiDocs.fetch(port)), mapped);
    }
}
