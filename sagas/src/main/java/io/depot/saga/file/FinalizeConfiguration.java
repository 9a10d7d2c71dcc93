package io.depot.saga.file;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The finalize policy, from configuration. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FinalizePolicy.class)
public class FinalizeConfiguration {
}
