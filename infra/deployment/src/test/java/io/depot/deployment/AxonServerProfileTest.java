package io.depot.deployment;

import org.axonframework.axonserver.connector.AxonServerConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each deployable's application.yml with the {@code axonserver} profile, bound the way the service binds it: Spring
 * Boot loads the file, its profile documents and Depot's defaults into an environment whose variables are the test's,
 * and {@link AxonServerConfiguration} is bound from it. No bean of the service is created and no Axon Server is
 * needed (none can run where Depot is developed).
 */
class AxonServerProfileTest {

    /** No beans: only the environment Spring Boot prepares for a service. */
    @Configuration(proxyBeanMethods = false)
    static class NoBeans {
    }

    @ParameterizedTest
    @ValueSource(strings = {"command-api", "query-api", "workers"})
    void theVariablesReachAxonServerConfiguration(String module) {
        AxonServerConfiguration axon = bind(module, Map.of(
                "SPRING_PROFILES_ACTIVE", "axonserver",
                "AXON_SERVER", "axon-1:8124,axon-2:8124",
                "AXON_CONTEXT", "depot",
                "AXON_TOKEN", "s3cret",
                "AXON_SSL_ENABLED", "true",
                "AXON_CERT_FILE", "/run/secrets/axonserver.pem"));
        assertThat(axon.isEnabled()).isTrue();
        assertThat(axon.getServers()).isEqualTo("axon-1:8124,axon-2:8124");
        assertThat(axon.getContext()).isEqualTo("depot");
        assertThat(axon.getToken()).isEqualTo("s3cret");
        assertThat(axon.isSslEnabled()).isTrue();
        assertThat(axon.getCertFile()).isEqualTo("/run/secrets/axonserver.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"command-api", "query-api", "workers"})
    void unsetVariablesLeaveALocalServerWithoutTls(String module) {
        AxonServerConfiguration axon = bind(module, Map.of("SPRING_PROFILES_ACTIVE", "axonserver"));
        assertThat(axon.isEnabled()).isTrue();
        assertThat(axon.getServers()).isEqualTo("127.0.0.1:8124");
        assertThat(axon.getContext()).isEqualTo("default");
        assertThat(axon.isSslEnabled()).isFalse();
        // Bound as empty strings; the platform's BlankAxonServerSettings makes them none in a running service.
        assertThat(axon.getToken()).isEmpty();
        assertThat(axon.getCertFile()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"command-api", "query-api", "workers"})
    void withoutTheProfileAxonServerIsOff(String module) {
        assertThat(bind(module, Map.of("AXON_SERVER", "axon-1:8124")).isEnabled()).isFalse();
    }

    /** AxonServerConfiguration as the service binds it, with these and only these environment variables. */
    private static AxonServerConfiguration bind(String module, Map<String, Object> variables) {
        Map<String, Object> environmentVariables = new HashMap<>(variables);
        environmentVariables.put("SPRING_CONFIG_LOCATION", "file:" + ReadVariables.applicationYml(module));
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environmentVariables));
        SpringApplication application = new SpringApplication(NoBeans.class);
        application.setEnvironment(environment);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setLogStartupInfo(false);
        application.setRegisterShutdownHook(false);
        AxonServerConfiguration axon = new AxonServerConfiguration();
        try (ConfigurableApplicationContext context = application.run()) {
            Binder.get(context.getEnvironment()).bind("axon.axonserver", Bindable.ofInstance(axon));
        }
        return axon;
    }
}
