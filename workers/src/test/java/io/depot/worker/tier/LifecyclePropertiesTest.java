package io.depot.worker.tier;

import io.depot.file.LifecycleScope;
import io.depot.file.StorageClass;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Lifecycle rules are checked when the service starts: a wrong rule stops it with a message naming the rule. */
class LifecyclePropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(LifecycleProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void withoutSettingsNoRuleRunsAndRetrievalsArePolled() {
        context.run(started -> {
            LifecycleProperties properties = started.getBean(LifecycleProperties.class);
            assertThat(properties).isEqualTo(new LifecycleProperties(false, Duration.ofHours(1), 1000,
                    Duration.ofMinutes(15), java.util.List.of()));
        });
    }

    @Test
    void rulesBindAndTheColdestComesFirst() {
        context.withPropertyValues("depot.lifecycle.enabled=true",
                "depot.lifecycle.rules[0].name=cool", "depot.lifecycle.rules[0].older-than=30d",
                "depot.lifecycle.rules[0].storage-class=standard_ia",
                "depot.lifecycle.rules[1].name=archive", "depot.lifecycle.rules[1].applies-to=superseded",
                "depot.lifecycle.rules[1].older-than=90d", "depot.lifecycle.rules[1].storage-class=GLACIER")
                .run(started -> {
                    var rules = started.getBean(LifecycleProperties.class).coldestFirst();
                    assertThat(rules).extracting(LifecycleProperties.Rule::name).containsExactly("archive", "cool");
                    assertThat(rules.get(0).scope()).isEqualTo(LifecycleScope.SUPERSEDED);
                    assertThat(rules.get(1).scope()).isEqualTo(LifecycleScope.ALL);
                    assertThat(rules.get(1).target()).isEqualTo(StorageClass.STANDARD_IA);
                    assertThat(rules.get(0).olderThan()).isEqualTo(Duration.ofDays(90));
                });
    }

    @Test
    void anUnknownClassANegativeAgeOrAnUnknownScopeStopsTheStart() {
        refused("depot.lifecycle.rules[0].storage-class=GLACIAL",
                "depot.lifecycle.rules[0] (r): storage-class must be one of [STANDARD", "not GLACIAL");
        refused("depot.lifecycle.rules[0].older-than=-1d",
                "depot.lifecycle.rules[0] (r): older-than must be given and not negative");
        refused("depot.lifecycle.rules[0].applies-to=newest",
                "depot.lifecycle.rules[0] (r): applies-to must be all, current or superseded, not newest");
        refused("depot.lifecycle.rules[0].storage-class=STANDARD", "colder than no class");
    }

    private void refused(String wrong, String... message) {
        context.withPropertyValues("depot.lifecycle.rules[0].name=r", "depot.lifecycle.rules[0].older-than=30d",
                        "depot.lifecycle.rules[0].storage-class=GLACIER", wrong)
                .run(started -> {
                    assertThat(started).hasFailed();
                    assertThat(started.getStartupFailure()).rootCause().hasMessageContainingAll(message);
                });
    }
}
