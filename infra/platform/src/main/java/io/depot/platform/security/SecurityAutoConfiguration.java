package io.depot.platform.security;

import io.depot.error.ErrorCode;
import io.depot.platform.web.Problem;
import io.depot.platform.web.ProblemWriter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * Every {@code /v1} call needs a bearer JWT whose {@code sub} is the user; refusals are problem responses.
 * Roles come from the claim {@code depot.security.roles-claim} (default {@code roles}): {@code admin} may call
 * {@code /v1/admin/**}.
 * Where the token's keys come from is configuration ({@code spring.security.oauth2.resourceserver.jwt.*}),
 * or a launcher's own decoder.
 */
@AutoConfiguration(before = org.springframework.boot.autoconfigure.security.reactive.ReactiveSecurityAutoConfiguration.class)
@EnableWebFluxSecurity
public class SecurityAutoConfiguration {

    /** Paths anyone may call: health, and the all-in-one launcher's token endpoint, which guards itself. */
    public static final String[] OPEN_PATHS = {"/health", "/health/**", "/v1/dev/tokens"};
    /** The role that operates Depot: reconcile runs and their reports. */
    public static final String ADMIN = "admin";

    @Bean
    @ConditionalOnMissingBean
    SecurityWebFilterChain depotSecurity(ServerHttpSecurity http, ProblemWriter problems,
                                         @Value("${depot.security.roles-claim:roles}") String rolesClaim) {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName(rolesClaim);
        roles.setAuthorityPrefix("ROLE_");
        ReactiveJwtAuthenticationConverter authentication = new ReactiveJwtAuthenticationConverter();
        authentication.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(roles));
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(auth -> auth
                        .pathMatchers(OPEN_PATHS).permitAll()
                        .pathMatchers(HttpMethod.OPTIONS).permitAll()
                        .pathMatchers("/v1/admin/**").hasRole(ADMIN)
                        .anyExchange().authenticated())
                .oauth2ResourceServer(oauth -> oauth
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
