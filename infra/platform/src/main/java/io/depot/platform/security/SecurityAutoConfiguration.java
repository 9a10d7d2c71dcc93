package io.depot.platform.security;

import io.depot.error.ErrorCode;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.web.Problem;
import io.depot.platform.web.ProblemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.security.oauth2.resource.OAuth2ResourceServerProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import java.io.IOException;
import java.util.List;

/**
 * Every {@code /v1} call needs a bearer JWT whose {@code sub} is the user; refusals are problem responses.
 * Roles come from the claim {@code depot.security.roles-claim} (default {@code roles}): {@code admin} may call
 * {@code /v1/admin/**}.
 * Where the token's keys come from is configuration ({@code spring.security.oauth2.resourceserver.jwt.*}),
 * or a launcher's own decoder.
 */
@AutoConfiguration(before = {org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration.class,
        org.springframework.boot.autoconfigure.security.oauth2.resource.reactive.ReactiveOAuth2ResourceServerAutoConfiguration.class})
@EnableWebFluxSecurity
@EnableConfigurationProperties({SecurityProperties.class, OAuth2ResourceServerProperties.class})
public class SecurityAutoConfiguration {

    /**
     * Paths anyone may call: health; Prometheus metrics, which carry counts by route, operation and group but no user,
     * file or address (move both to a management port the balancer does not route, {@code DEPOT_MANAGEMENT_PORT}); and
     * the all-in-one launcher's token endpoint, which guards itself.
     */
    public static final String[] OPEN_PATHS = {"/health", "/health/**", "/prometheus", "/v1/dev/tokens"};
    /** The role that operates Depot: reconcile runs and their reports. */
    public static final String ADMIN = "admin";
    /** The role that reads the download history of every file. */
    public static final String AUDITOR = "auditor";
    /** Download URLs of public files are given to anyone; the controller refuses private files without a token. */
    public static final String PUBLIC_DOWNLOADS = "/v1/files/*/download";
    /** Versions of public files likewise. */
    public static final String PUBLIC_VERSION_DOWNLOADS = "/v1/files/*/versions/*/download";
    /** Share links work without an account: the link's token is the credential, checked by the file. */
    public static final String SHARE_LINKS = "/v1/shares/**";
    /** Calls for the {@link #ADMIN} role. */
    public static final String ADMIN_PATHS = "/v1/admin/**";
    /** Calls for the {@link #AUDITOR} role. */
    public static final String AUDIT_PATHS = "/v1/audit/**";
    /**
     * The service's OpenAPI document and its Swagger UI, open to anyone: they describe the API, and every call they
     * describe still asks for its token.
     */
    public static final String[] API_DOCS_PATHS = {"/v3/api-docs", "/v3/api-docs/**"};
    /** The Swagger UI's pages and assets, with a policy of their own ({@link ContentSecurityPolicies}). */
    public static final String[] DOCS_UI_PATHS = {"/swagger-ui.html", "/swagger-ui/**"};
    /**
     * The browser upload page the command service serves (its static resources), open to anyone like the API's
     * description: it holds no data, and every call it makes carries the user's token. Its own policy in
     * {@link ContentSecurityPolicies}.
     */
    public static final String[] PAGE_PATHS = {"/", "/index.html", "/ui/**"};

    /**
     * CORS for browser clients on the origins in {@code depot.security.cors-origins} (none by default): the headers a
     * browser upload needs to send and to read, {@code ETag} among them, and those of tus (tus-js-client and Uppy in
     * a page of another origin).
     */
    static CorsConfigurationSource corsSource(SecurityProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!properties.corsOrigins().isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(properties.corsOrigins());
            cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID",
                    "Tus-Resumable", "Upload-Offset", "Upload-Length", "Upload-Defer-Length", "Upload-Metadata",
                    "Upload-Checksum", "Upload-Concat"));
            cors.setExposedHeaders(List.of("ETag", "Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
                    "RateLimit-Reset", "Idempotent-Replayed", "Tus-Resumable", "Tus-Version", "Tus-Extension",
                    "Tus-Max-Size", "Tus-Checksum-Algorithm", "Upload-Offset", "Upload-Length", "Upload-Defer-Length",
                    "Upload-Metadata", "Upload-Expires", "Upload-Concat"));
            cors.setMaxAge(3600L);
            source.registerCorsConfiguration("/v1/**", cors);
        }
        return source;
    }

    /**
     * Spring Security observes nothing of its own: the request metrics ({@code http.server.requests}) and traces cover
     * every request, and its observations wrap each of its filters in each request (a timer per filter, some 3% of
     * the CPU a download URL costs). Without this bean the observations are off by
     * {@code management.observations.enable.spring.security=false}, but each filter is still wrapped.
     */
    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings depotSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** Spring Security's strict firewall, its header rules checked without regular expressions ({@link HeaderFirewall}). */
    @Bean
    @ConditionalOnMissingBean
    ServerWebExchangeFirewall depotFirewall() {
        return HeaderFirewall.strict();
    }

    /** Tokens from an identity provider, with Depot's checks rather than only Spring's defaults. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")
    ReactiveJwtDecoder jwkSetJwtDecoder(OAuth2ResourceServerProperties resourceServer, SecurityProperties properties) {
        return TokenValidation.jwkSetDecoder(resourceServer.getJwt().getJwkSetUri(), properties);
    }

    /** Tokens signed with one RSA key, given as a PEM file, with the same checks. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty("spring.security.oauth2.resourceserver.jwt.public-key-location")
    ReactiveJwtDecoder publicKeyJwtDecoder(OAuth2ResourceServerProperties resourceServer,
                                           SecurityProperties properties) throws IOException {
        return TokenValidation.pemDecoder(resourceServer.getJwt().getPublicKeyLocation(), properties);
    }

    @Bean
    @ConditionalOnMissingBean
    SecurityWebFilterChain depotSecurity(ServerHttpSecurity http, ProblemWriter problems, SecurityProperties properties,
                                         ObjectProvider<ObjectStorage> storage) {
        ObjectStorage objects = storage.getIfAvailable();
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName(properties.rolesClaim());
        roles.setAuthorityPrefix("ROLE_");
        ReactiveJwtAuthenticationConverter authentication = new ReactiveJwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(roles));
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .cors(cors -> cors.configurationSource(corsSource(properties)))
                .headers(headers -> headers
                        .writer(new ContentSecurityPolicies(objects == null ? null : objects.presignedOrigin()))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER))
                        .hsts(hsts -> hsts.maxAge(java.time.Duration.ofDays(365)).includeSubdomains(true)))
                .authorizeExchange(auth -> auth
                        .pathMatchers(OPEN_PATHS).permitAll()
                        .pathMatchers(HttpMethod.GET, API_DOCS_PATHS).permitAll()
                        .pathMatchers(HttpMethod.GET, DOCS_UI_PATHS).permitAll()
                        .pathMatchers(HttpMethod.GET, PAGE_PATHS).permitAll()
                        .pathMatchers(HttpMethod.OPTIONS).permitAll()
                        .pathMatchers(ADMIN_PATHS).hasRole(ADMIN)
                        .pathMatchers(AUDIT_PATHS).hasRole(AUDITOR)
                        .pathMatchers(HttpMethod.GET, PUBLIC_DOWNLOADS, PUBLIC_VERSION_DOWNLOADS, SHARE_LINKS).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(oauth -> oauth
                        .bearerTokenConverter(new BearerTokens())
                        .jwt(jwt -> jwt.jwtAuthenticationConverter(authentication))
                        .authenticationEntryPoint((exchange, e) -> problems.write(exchange,
                                Problem.of(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required")))
                        .accessDeniedHandler((exchange, e) -> problems.write(exchange,
                                Problem.of(ErrorCode.FORBIDDEN, "this operation needs a role the token does not carry"))))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((exchange, e) -> problems.write(exchange,
                                Problem.of(ErrorCode.UNAUTHENTICATED, "a valid bearer token is required"))))
                .build();
    }
}
