package io.depot.command.admin;

import io.depot.command.CommandSlice;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.testing.ControllerSlice;
import io.depot.platform.testing.WebSlice;
import io.depot.reconcile.ReconcileTrigger;
import io.depot.reconcile.StartReconcileRunCommand;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.test.context.ContextConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/admin/reconcile-runs}: an admin's request as a start command naming the admin, answered 202. */
@WebFluxTest
@ContextConfiguration(classes = {CommandSlice.class, ReconcileAdminController.class})
class ReconcileAdminControllerTest extends ControllerSlice {

    @Test
    void anAdminStartsARunInTheirOwnName() {
        buses.handle(StartReconcileRunCommand.class, command -> null);

        var started = http.post().uri("/v1/admin/reconcile-runs")
                .header("Authorization", "Bearer " + WebSlice.token("olga", "admin"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.status").isEqualTo("running")
                .returnResult();
        String body = new String(started.getResponseBodyContent());

        assertThat(buses.sent()).singleElement().isInstanceOfSatisfying(StartReconcileRunCommand.class, command -> {
            assertThat(command.trigger()).isEqualTo(ReconcileTrigger.OPERATOR);
            assertThat(command.requestedBy()).isEqualTo("olga");
            assertThat(command.startedAt()).isEqualTo(CommandSlice.NOW);
            assertThat(body).contains("\"run_id\":\"" + command.runId() + "\"")
                    .contains("\"report\":\"/v1/admin/reconcile-runs/" + command.runId() + "\"");
        });
    }

    @Test
    void aRunTheCommandSideRefusesIsAProblem() {
        buses.handle(StartReconcileRunCommand.class, command -> {
            throw new DepotException(ErrorCode.STORAGE_UNAVAILABLE, "storage is down");
        });

        http.post().uri("/v1/admin/reconcile-runs")
                .header("Authorization", "Bearer " + WebSlice.token("olga", "admin"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.code").isEqualTo("storage-unavailable");
    }

    @Test
    void onlyAdminsMayStartOne() {
        http.post().uri("/v1/admin/reconcile-runs").exchange().expectStatus().isUnauthorized();
        http.post().uri("/v1/admin/reconcile-runs").header("Authorization", "Bearer " + WebSlice.token("bob", "user"))
                .exchange()
                .expectStatus().isForbidden();
        assertThat(buses.sent()).isEmpty();
    }
}
