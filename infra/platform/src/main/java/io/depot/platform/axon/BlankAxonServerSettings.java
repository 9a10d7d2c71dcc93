package io.depot.platform.axon;

import org.axonframework.axonserver.connector.AxonServerConfiguration;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * An empty Axon Server token or certificate file means none. The {@code axonserver} profile reads them from
 * {@code AXON_TOKEN} and {@code AXON_CERT_FILE}, which bind as empty strings when unset; Axon would then send an
 * empty token, and with TLS on it would read the certificate to trust from the file {@code ""} instead of trusting
 * the JVM's authorities, failing at start.
 */
final class BlankAxonServerSettings implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        // After the properties are bound, before the connection manager reads them.
        if (bean instanceof AxonServerConfiguration configuration) {
            if (configuration.getToken() != null && configuration.getToken().isBlank()) {
                configuration.setToken(null);
            }
            if (configuration.getCertFile() != null && configuration.getCertFile().isBlank()) {
                configuration.setCertFile(null);
            }
        }
        return bean;
    }
}
