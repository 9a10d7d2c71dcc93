package io.depot.reconcile;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import java.util.HashSet;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One comparison of object storage with Depot's records. Its findings are events, each recorded once; a run ends
 * finished or failed and records nothing after that.
 */
public class ReconcileRun {

    @AggregateIdentifier
    private String runId;
    private ReconcileRunStatus status;
    private Set<String> findingIds = new HashSet<>();

    protected ReconcileRun() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(StartReconcileRunCommand command) {
        if (status == null) {
            apply(new ReconcileRunStartedEvent(command.runId(), command.trigger(), command.requestedBy(),
                    command.startedAt()));
        }
    }

    /** Returns whether the finding is new to this run. */
    @CommandHandler
    public boolean handle(RecordReconcileFindingCommand command) {
        if (findingIds.contains(command.finding().findingId())) {
            return false;
        }
        requireRunning();
        apply(new ReconcileFindingRecordedEvent(runId, command.finding(), command.at()));
        return true;
    }

    @CommandHandler
    public void handle(FinishReconcileRunCommand command) {
        if (status == ReconcileRunStatus.FINISHED) {
            return;
        }
        requireRunning();
        apply(new ReconcileRunFinishedEvent(runId, command.checked(), findingIds.size(), command.at()));
    }

    @CommandHandler
    public void handle(FailReconcileRunCommand command) {
        if (status == ReconcileRunStatus.FAILED) {
            return;
        }
        requireRunning();
        apply(new ReconcileRunFailedEvent(runId, command.reason(), command.at()));
    }

    private void requireRunning() {
        if (status != ReconcileRunStatus.RUNNING) {
            throw new DepotException(ErrorCode.RECONCILE_RUN_ENDED, "reconcile run " + runId + " has ended");
        }
    }

    @EventSourcingHandler
    void on(ReconcileRunStartedEvent event) {
        runId = event.runId();
        status = ReconcileRunStatus.RUNNING;
    }

    @EventSourcingHandler
    void on(ReconcileFindingRecordedEvent event) {
        findingIds.add(event.finding().findingId());
    }

    @EventSourcingHandler
    void on(ReconcileRunFinishedEvent event) {
        status = ReconcileRunStatus.FINISHED;
    }

    @EventSourcingHandler
    void on(ReconcileRunFailedEvent event) {
        status = ReconcileRunStatus.FAILED;
    }
}
