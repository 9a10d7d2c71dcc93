package io.depot.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * What every service's OpenAPI document says besides its endpoints, which springdoc reads from the controllers: the
 * bearer JWT all calls carry but the open ones, the problems every call may answer, and schemas named as the JSON on
 * the wire is. springdoc builds the document on its first request and keeps it; no other request passes through here.
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class ApiDocsAutoConfiguration {

    /** The name of the bearer JWT security scheme in the document. */
    public static final String BEARER = "bearer";

    @Bean
    OpenAPI depotOpenApi(Environment environment) {
        String service = environment.getProperty("spring.application.name", "depot");
        return new OpenAPI()
                .info(new Info()
                        .title("Depot API (" + service + ")")
                        .version("1")
                        .description("""
                                Event-sourced file upload and download. This document describes the calls this \
                                service answers; the other Depot services describe theirs at their own /v3/api-docs. \
                                Calls carry `Authorization: Bearer <JWT>` whose `sub` is the user, except those \
                                marked otherwise. JSON is snake_case. Refusals are RFC 9457 problems \
                                (`application/problem+json`) with a stable `code`."""))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("A JWT from the identity provider; roles in its roles claim")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /**
     * Schemas from Depot's own ObjectMapper, so their property names are snake_case as on the wire rather than the
     * record components' names.
     */
    @Bean
    ModelResolver wireNamedModels(ObjectMapper objectMapper) {
        return new ModelResolver(objectMapper);
    }

    @Bean
    OpenApiCustomizer depotOperations() {
        return new DocumentedOperations();
    }
}
