package io.depot.worker;

import io.depot.error.ErrorCode;
import io.depot.platform.admin.AdminAutoConfiguration;
import io.depot.platform.axon.AggregateConfiguration;
import io.depot.platform.idempotency.IdempotencyAutoConfiguration;
import io.depot.platform.limits.LimitsAutoConfiguration;
import io.depot.platform.security.SecurityAutoConfiguration;
import io.depot.platform.web.Problem;
import io.depot.platform.web.ProblemWriter;
import io.depot.projection.ReadModelConfiguration;
import io.depot.platform.Launch;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * The workers deployable: the sagas and workers that follow the commands (version verification, object deletion,
 * reconcile runs and their repairs, upload expiry and cleanup), beside the command and query services and on the
 * same stores, with the command service started with {@code depot.workers.enabled=false}. The sagas run here
 * rather than in the command service: like the workers they are background processing that no request waits for.
 * Any number of instances share the work, each processor's segments spread over them
 * ({@code depot.processing.*}). Without Axon Server a command is handled where it is sent, so this service hosts
 * the aggregates its sagas and workers send commands to, and the object records its reconcile runs query. It
 * serves {@code /health/liveness} and {@code /health/readiness}, and no API.
 *
 * <p>Its beans are declared here, not in a configuration class of its own, because the command service scans this
 * package for the workers and leaves out only classes annotated like this one.
 */
@SpringBootApplication(scanBasePackages = {"io.depot.worker", "io.depot.saga", "io.depot.projection.reconcile",
        "io.depot.projection.tier"},
        exclude = {AdminAutoConfiguration.class, IdempotencyAutoConfiguration.class, LimitsAutoConfiguration.class})
@Import({AggregateConfiguration.class, ReadModelConfiguration.class})
public class WorkersApplication {

    public static void main(String[] args) {
        Launch.run(WorkersApplication.class, args);
    }

    /** Health for the orchestrator; every other path is not found. Takes the place of the services' token checks. */
    @Bean
    SecurityWebFilterChain workersSecurity(ServerHttpSecurity http, ProblemWriter problems) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(auth -> auth
                        .pathMatchers(SecurityAutoConfiguration.OPEN_PATHS).permitAll()
                        .anyExchange().denyAll())
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((exchange, e) -> problems.write(exchange,
                                Problem.of(ErrorCode.NOT_FOUND, "the workers serve health checks only")))
                        .accessDeniedHandler((exchange, e) -> problems.write(exchange,
                                Problem.of(ErrorCode.NOT_FOUND, "the workers serve health checks only"))))
                .build();
    }
}
