package io.depot.platform.testing;

import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Functional routes count as mapped endpoints too, nested paths joined, so a route springdoc cannot see is caught. */
class ApiDocsEndpointsTest {

    @Test
    void functionalRoutesAreMappedEndpoints() {
        RouterFunction<ServerResponse> routes = RouterFunctions.route()
                .GET("/v1/things/{id}", request -> ServerResponse.ok().build())
                .nest(RequestPredicates.path("/v1/shares"),
                        builder -> builder.POST("/{token:[a-z]+}", request -> ServerResponse.ok().build()))
                .build();
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            context.registerBean("routes", RouterFunction.class, () -> routes);
            context.refresh();

            assertThat(ApiDocs.mapped(context)).containsExactly(new ApiDocs.Endpoint("GET", "/v1/things/{id}"),
                    new ApiDocs.Endpoint("POST", "/v1/shares/{token}"));
        }
    }
}
