package io.depot.worker.tier;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * The lifecycle runs and the retrieval polls are recurring db-scheduler tasks on the event store's database, as
 * reconcile runs are: each execution happens on one instance of the cluster, and one cut short by a crash runs again.
 */
@Configuration(proxyBeanMethods = false)
class TierScheduling {

    static final String LIFECYCLE_TASK = "lifecycle-run";
    static final String RETRIEVAL_POLL_TASK = "archive-retrieval-poll";

    @Bean
    @ConditionalOnProperty(name = "depot.lifecycle.enabled", havingValue = "true")
    RecurringTask<Void> lifecycleTask(LifecycleProperties properties, LifecycleJob job, Clock clock) {
        return Tasks.recurring(LIFECYCLE_TASK, FixedDelay.of(properties.interval()))
                .execute((instance, context) -> job.runOnce(clock.instant()));
    }

    /** Always on: an owner may ask for a retrieval whether or not rules run. */
    @Bean
    RecurringTask<Void> retrievalPollTask(LifecycleProperties properties, ArchiveRetrievalPoll poll, Clock clock) {
        return Tasks.recurring(RETRIEVAL_POLL_TASK, FixedDelay.of(properties.retrievalPollInterval()))
                .execute((instance, context) -> poll.runOnce(clock.instant()));
    }
}
