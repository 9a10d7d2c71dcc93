package io.depot.command;

import io.depot.command.upload.TusProperties;
import io.depot.command.upload.UploadProperties;
import io.depot.platform.axon.AggregateConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The write side: the aggregates this service sends its commands to, and the upload settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({UploadProperties.class, TusProperties.class})
@Import(AggregateConfiguration.class)
public class CommandConfiguration {
}
