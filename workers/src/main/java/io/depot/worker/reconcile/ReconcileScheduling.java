package io.depot.worker.reconcile;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import io.depot.reconcile.ReconcileRunStartedEvent;
import io.depot.reconcile.ReconcileTrigger;
import io.depot.reconcile.StartReconcileRunCommand;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Reconcile runs are db-scheduler tasks on the event store's database: a run executes on one instance of the
 * cluster, and one that was cut short by a crash is executed again (its findings are recorded once). A started run
 * ({@link ReconcileRunStartedEvent}, from an operator or the schedule) is handed to the scheduler by an event
 * handler, so no started run is ever forgotten.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcileProperties.class)
class ReconcileScheduling {

    static final String RUN_TASK = "reconcile-run";
    static final String SCHEDULE_TASK = "reconcile-schedule";

    @Bean
    OneTimeTask<Void> reconcileRunTask(ReconcileJob job) {
        return Tasks.oneTime(RUN_TASK).execute((instance, context) -> job.run(instance.getId()));
    }

    /** Starts a scheduled run; its id is the scheduled time, so the same slot never starts two runs. */
    @Bean
    @ConditionalOnExpression("!'${depot.reconcile.schedule:DAILY|03:00}'.trim().matches('(?i)off|-')")
    RecurringTask<Void> reconcileScheduleTask(ReconcileProperties properties, CommandGateway commands, Clock clock) {
        return Tasks.recurring(SCHEDULE_TASK, Schedules.parseSchedule(properties.schedule()))
                .execute((instance, context) -> commands.sendAndWait(new StartReconcileRunCommand(
                        "scheduled-" + context.getExecution().executionTime, ReconcileTrigger.SCHEDULED, null,
                        clock.instant())));
    }

    /** Hands each started run to the scheduler, once. */
    @Component
    @DisallowReplay
    @ProcessingGroup(RunLauncher.GROUP)
    static class RunLauncher {

        static final String GROUP = "reconcile-launcher";

        private final ObjectProvider<SchedulerClient> scheduler;
        private final OneTimeTask<Void> runTask;
        private final Clock clock;

        RunLauncher(ObjectProvider<SchedulerClient> scheduler, OneTimeTask<Void> reconcileRunTask, Clock clock) {
            this.scheduler = scheduler;
            this.runTask = reconcileRunTask;
            this.clock = clock;
        }

        @EventHandler
        void on(ReconcileRunStartedEvent event) {
            scheduler.getObject().scheduleIfNotExists(runTask.instance(event.runId()), clock.instant());
        }
    }
}
