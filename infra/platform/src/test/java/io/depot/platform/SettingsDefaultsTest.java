package io.depot.platform;

import io.depot.platform.axon.EventStoreProperties;
import io.depot.platform.axon.SnapshotProperties;
import io.depot.platform.idempotency.IdempotencyProperties;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.web.DepotWebProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings records bind the names and defaults the services had before they were records. */
class SettingsDefaultsTest {

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
    }

    @Test
    void unsetSettingsKeepTheirFormerDefaults() {
        assertThat(bind("depot.event-store", EventStoreProperties.class, Map.of()))
                .isEqualTo(new EventStoreProperties(500, 10_000, 10_000));
        assertThat(bind("depot.upload", SnapshotProperties.class, Map.of())).isEqualTo(new SnapshotProperties(100));
        assertThat(bind("depot.idempotency", IdempotencyProperties.class, Map.of()).retention())
                .isEqualTo(Duration.ofHours(24));
        assertThat(bind("depot.web", DepotWebProperties.class, Map.of()).trustedProxies()).isEmpty();
        assertThat(bind("depot.redis", RedisConnectionProperties.class, Map.of()).configured()).isFalse();
    }

    @Test
    void settingsBindUnderTheirFormerNames() {
        assertThat(bind("depot.event-store", EventStoreProperties.class, Map.of("depot.event-store.batch-size", "50",
                "depot.event-store.cached-events", "60", "depot.event-store.max-events-per-read", "70")))
                .isEqualTo(new EventStoreProperties(50, 60, 70));
        assertThat(bind("depot.upload", SnapshotProperties.class, Map.of("depot.upload.snapshot-every", "7",
                "depot.upload.session-ttl", "1h"))).isEqualTo(new SnapshotProperties(7));
        assertThat(bind("depot.web", DepotWebProperties.class,
                Map.of("depot.web.trusted-proxies", "10.0.0.0/8,127.0.0.1")).trustedProxies())
                .isEqualTo(List.of("10.0.0.0/8", "127.0.0.1"));
        assertThat(bind("depot.web", DepotWebProperties.class, Map.of("depot.web.trusted-proxies", ""))
                .trustedProxies()).as("what ${DEPOT_TRUSTED_PROXIES:} gives").isEmpty();
    }
}
