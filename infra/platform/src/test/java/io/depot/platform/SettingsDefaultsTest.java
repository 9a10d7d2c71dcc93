package io.depot.platform;

import io.depot.platform.axon.EventStoreProperties;
import io.depot.platform.idempotency.IdempotencyProperties;
import io.depot.platform.processing.ProcessingProperties;
import io.depot.platform.processing.ScanProperties;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.security.SecurityProperties;
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
                .isEqualTo(new EventStoreProperties(500, 10_000, 10_000, 1000, 100, false));
        assertThat(bind("depot.processing", ProcessingProperties.class, Map.of())).isEqualTo(new ProcessingProperties(
                List.of("version-verification", "malware-scan", "object-deletion", "upload-storage-release",
                        "upload-allowance-release", "reconcile-repairs", "reconcile-launcher",
                        "image-renditions", "video-renditions", "storage-class-moves",
                        "archive-retrievals"),
                3, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(1),
                List.of("files", "file-shares", "download-history", "object-records", "reconcile-reports",
                        "upload-sessions", "file-renditions"),
                Duration.ofMinutes(2), 500,
                List.of("files", "file-shares", "object-records", "reconcile-reports", "download-history",
                        "upload-sessions"),
                4, 0, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertThat(bind("depot.scan", ScanProperties.class, Map.of())).isEqualTo(
                new ScanProperties(false, ScanProperties.TooLarge.FAIL, ScanProperties.Infected.QUARANTINE));
        assertThat(bind("depot.idempotency", IdempotencyProperties.class, Map.of()).retention())
                .isEqualTo(Duration.ofHours(24));
        assertThat(bind("depot.web", DepotWebProperties.class, Map.of()).trustedProxies()).isEmpty();
        assertThat(bind("depot.redis", RedisConnectionProperties.class, Map.of()).configured()).isFalse();
        SecurityProperties security = bind("depot.security", SecurityProperties.class, Map.of());
        assertThat(security).isEqualTo(new SecurityProperties(null, "depot", Duration.ofSeconds(30),
                List.of("RS256", "ES256"), "roles", List.of()));
        assertThat(security.jwkSetRefresh()).isEqualTo(Duration.ofMinutes(5));
        assertThat(security.jwkSetMinRefetch()).isEqualTo(Duration.ofSeconds(10));
        assertThat(security.tokenCache()).isEqualTo(new SecurityProperties.TokenCache(true, 10_000,
                Duration.ofMinutes(10)));
    }

    @Test
    void theTokenCacheAndTheJwkSetRefreshBindUnderDepotSecurity() {
        SecurityProperties security = bind("depot.security", SecurityProperties.class, Map.of(
                "depot.security.jwk-set-refresh", "1m", "depot.security.token-cache.enabled", "false",
                "depot.security.token-cache.max-entries", "50", "depot.security.token-cache.max-ttl", "30s"));
        assertThat(security.jwkSetRefresh()).isEqualTo(Duration.ofMinutes(1));
        assertThat(security.tokenCache()).isEqualTo(new SecurityProperties.TokenCache(false, 50,
                Duration.ofSeconds(30)));
        assertThat(security.audience()).isEqualTo("depot");
    }

    @Test
    void settingsBindUnderTheirFormerNames() {
        assertThat(bind("depot.event-store", EventStoreProperties.class, Map.of("depot.event-store.batch-size", "50",
                "depot.event-store.cached-events", "60", "depot.event-store.max-events-per-read", "70",
                "depot.event-store.snapshot-every", "7")))
                .isEqualTo(new EventStoreProperties(50, 60, 70, 1000, 7, false));
        ProcessingProperties processing = bind("depot.processing", ProcessingProperties.class, Map.of(
                "depot.processing.attempts", "5", "depot.processing.replayable", "files",
                "depot.processing.worker-segments", "8", "depot.processing.claim-timeout", "30s"));
        assertThat(processing.attempts()).isEqualTo(5);
        assertThat(processing.replayable()).containsExactly("files");
        assertThat(processing.workerSegments()).isEqualTo(8);
        assertThat(processing.claimTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(bind("depot.scan", ScanProperties.class, Map.of("depot.scan.enabled", "true",
                "depot.scan.too-large", "skip", "depot.scan.infected", "delete",
                "depot.scan.clamd.address", "tcp://127.0.0.1:3310"))).isEqualTo(
                new ScanProperties(true, ScanProperties.TooLarge.SKIP, ScanProperties.Infected.DELETE));
        assertThat(bind("depot.web", DepotWebProperties.class,
                Map.of("depot.web.trusted-proxies", "10.0.0.0/8,127.0.0.1")).trustedProxies())
                .isEqualTo(List.of("10.0.0.0/8", "127.0.0.1"));
        assertThat(bind("depot.web", DepotWebProperties.class, Map.of("depot.web.trusted-proxies", ""))
                .trustedProxies()).as("what ${DEPOT_TRUSTED_PROXIES:} gives").isEmpty();
    }
}
