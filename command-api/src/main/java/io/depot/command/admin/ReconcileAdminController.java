package io.depot.command.admin;

import io.depot.platform.axon.Dispatch;
import io.depot.reconcile.ReconcileTrigger;
import io.depot.reconcile.StartReconcileRunCommand;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.UUID;

/** {@code POST /v1/admin/reconcile-runs}: an operator starts a reconcile run (role {@code admin}). */
@RestController
class ReconcileAdminController {

    private final CommandGateway commands;
    private final Clock clock;

    ReconcileAdminController(CommandGateway commands, Clock clock) {
        this.commands = commands;
        this.clock = clock;
    }

    @PostMapping("/v1/admin/reconcile-runs")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<StartedRun> start(@AuthenticationPrincipal Jwt operator) {
        String runId = UUID.randomUUID().toString();
        return Dispatch.command(commands, new StartReconcileRunCommand(runId, ReconcileTrigger.OPERATOR,
                        operator.getSubject(), clock.instant()))
                .then(Mono.just(new StartedRun(runId, "running", "/v1/admin/reconcile-runs/" + runId)));
    }

    /** The run's id, and where its report will be. */
    record StartedRun(String runId, String status, String report) {
    }
}
