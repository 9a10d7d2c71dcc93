package io.depot.worker.scan;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A {@link ClamdClient} once {@code depot.scan.clamd.address} names a clamd; none otherwise. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClamdProperties.class)
class ClamdConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "depot.scan.clamd", name = "address")
    ClamdClient clamdClient(ClamdProperties properties) {
        return new ClamdClient(properties);
    }
}
