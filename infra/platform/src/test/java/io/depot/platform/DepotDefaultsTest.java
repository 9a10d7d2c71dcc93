package io.depot.platform;

import io.depot.platform.axon.EventStoreProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DepotDefaultsTest {

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        new DepotDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void aServiceThatLeavesTheWorkersToAWorkersDeployableRunsNoDbScheduler() {
        assertThat(environment(Map.of("depot.workers.enabled", "false")).getProperty("db-scheduler.enabled"))
                .isEqualTo("false");
    }

    @Test
    void aServiceThatRunsTheWorkersKeepsDbScheduler() {
        assertThat(environment(Map.of()).getProperty("db-scheduler.enabled")).isNull();
        assertThat(environment(Map.of("depot.workers.enabled", "true")).getProperty("db-scheduler.enabled")).isNull();
    }

    @Test
    void anExplicitDbSchedulerSettingIsKept() {
        assertThat(environment(Map.of("depot.workers.enabled", "false", "db-scheduler.enabled", "true"))
                .getProperty("db-scheduler.enabled")).isEqualTo("true");
    }

    @Test
    void theOlderRedisSettingsStillNameTheSharedRedis() {
        assertThat(environment(Map.of("depot.limits.redis-uri", "redis://a:6379")).getProperty("depot.redis.uri"))
                .isEqualTo("redis://a:6379");
        assertThat(environment(Map.of("depot.cache.redis-uri", "redis://a:6379", "depot.redis.uri", ""))
                .getProperty("depot.redis.uri")).as("an empty setting, as a launcher's ${DEPOT_REDIS_URI:} gives")
                .isEqualTo("redis://a:6379");
        assertThat(environment(Map.of("depot.limits.redis-uri", "redis://a:6379", "depot.cache.redis-uri", "redis://a:6379"))
                .getProperty("depot.redis.uri")).isEqualTo("redis://a:6379");
        assertThat(environment(Map.of()).getProperty("depot.redis.uri")).isNull();
    }

    @Test
    void theNewRedisSettingWinsOverTheOlderOnes() {
        assertThat(environment(Map.of("depot.redis.uri", "redis://new:6379", "depot.limits.redis-uri", "redis://old:6379"))
                .getProperty("depot.redis.uri")).isEqualTo("redis://new:6379");
    }

    @Test
    void theOlderSnapshotSettingStillSetsHowOftenAggregatesAreSnapshotted() {
        assertThat(environment(Map.of("depot.upload.snapshot-every", "7"))
                .getProperty("depot.event-store.snapshot-every")).isEqualTo("7");
        assertThat(Binder.get(environment(Map.of("depot.upload.snapshot-every", "7")))
                .bindOrCreate("depot.event-store", EventStoreProperties.class).snapshotEvery()).isEqualTo(7);
        assertThat(environment(Map.of()).getProperty("depot.event-store.snapshot-every")).isNull();
    }

    @Test
    void theNewSnapshotSettingWinsOverTheOlderOne() {
        assertThat(environment(Map.of("depot.event-store.snapshot-every", "20", "depot.upload.snapshot-every", "7"))
                .getProperty("depot.event-store.snapshot-every")).isEqualTo("20");
    }

    @Test
    void olderRedisSettingsThatDifferAreRefused() {
        assertThatThrownBy(() -> environment(Map.of(
                "depot.limits.redis-uri", "redis://a:6379", "depot.cache.redis-uri", "redis://b:6379")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("depot.redis.uri");
    }
}
