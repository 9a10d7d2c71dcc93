package io.depot.platform.axon;

import org.axonframework.axonserver.connector.AxonServerConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** What the {@code axonserver} profile binds when {@code AXON_TOKEN} and {@code AXON_CERT_FILE} are unset, or set. */
class BlankAxonServerSettingsTest {

    /** As Axon's auto-configuration declares it: a bean bound to {@code axon.axonserver.*}. */
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties
    static class AxonServerSettings {

        @Bean
        AxonServerConfiguration axonServerConfiguration() {
            return new AxonServerConfiguration();
        }

        @Bean
        static BlankAxonServerSettings blankAxonServerSettings() {
            return new BlankAxonServerSettings();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(AxonServerSettings.class);

    @Test
    void anUnsetTokenAndCertificateFileAreNone() {
        runner.withPropertyValues("axon.axonserver.token=", "axon.axonserver.cert-file=", "axon.axonserver.ssl-enabled=true")
                .run(context -> {
                    AxonServerConfiguration configuration = context.getBean(AxonServerConfiguration.class);
                    assertThat(configuration.getToken()).isNull();
                    assertThat(configuration.getCertFile()).isNull();
                    assertThat(configuration.isSslEnabled()).isTrue();
                });
    }

    @Test
    void aGivenTokenAndCertificateFileAreKept() {
        runner.withPropertyValues("axon.axonserver.token=s3cret", "axon.axonserver.cert-file=/run/secrets/axonserver.pem")
                .run(context -> {
                    AxonServerConfiguration configuration = context.getBean(AxonServerConfiguration.class);
                    assertThat(configuration.getToken()).isEqualTo("s3cret");
                    assertThat(configuration.getCertFile()).isEqualTo("/run/secrets/axonserver.pem");
                });
    }
}
