package io.depot.platform;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
