package io.depot.allinone;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * Settings of the all-in-one launcher's embedded stores.
 *
 * @param dataDir       where the event store, read models, objects and signing keys live
 * @param s3Port        the embedded object store's port on loopback; 0 picks a free one
 * @param s3AccessKey   the embedded object store's access key
 * @param s3SecretKey   the embedded object store's secret key
 * @param mongoPort     the embedded MongoDB-compatible server's port on loopback; 0 picks a free one
 * @param mongoInMemory keep read models in memory only (tests); they are rebuilt from events on start
 */
@ConfigurationProperties("depot.embedded")
public record EmbeddedProperties(
        @DefaultValue("depot-data") Path dataDir,
        @DefaultValue("0") int s3Port,
        @DefaultValue("depot") String s3AccessKey,
        @DefaultValue("depot-embedded-secret") String s3SecretKey,
        @DefaultValue("0") int mongoPort,
        @DefaultValue("false") boolean mongoInMemory) {
}
