package io.depot.command.file;

import io.depot.command.CommandSlice;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.DeleteFileCommand;
import io.depot.file.FileIds;
import io.depot.file.FileRemoval;
import io.depot.file.ReleaseFileNameCommand;
import io.depot.platform.testing.ControllerSlice;
import io.depot.platform.testing.WebSlice;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.web.reactive.WebFluxTest;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /v1/files/{id}}: a delete command naming the caller, 204; a file that was never created is a 404
 * like one the file itself refuses to show.
 */
@WebFluxTest
@ContextConfiguration(classes = {CommandSlice.class, FileCommandController.class, RenameFile.class})
class FileCommandControllerTest extends ControllerSlice {

    @Test
    void theCallerDeletesAFile() {
        buses.handle(DeleteFileCommand.class, command -> new FileRemoval("a.png", List.of("objects/f1/u1")));
        buses.handle(ReleaseFileNameCommand.class, command -> null);

        delete("f1", WebSlice.token("alice")).expectStatus().isNoContent().expectBody().isEmpty();
        assertThat(buses.sent()).containsExactly(new DeleteFileCommand("f1", "alice", CommandSlice.NOW),
                new ReleaseFileNameCommand(FileIds.nameId("alice", "a.png"), "f1"));
    }

    @Test
    void aFileThatDoesNotExistOrIsNotTheCallersIsNotFound() {
        buses.handle(DeleteFileCommand.class, command -> {
            if (command.fileId().equals("never")) {
                throw new AggregateNotFoundException("never", "no aggregate");
            }
            throw new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + command.fileId());
        });

        for (String fileId : List.of("never", "bobs")) {
            delete(fileId, WebSlice.token("alice")).expectStatus().isNotFound()
                    .expectBody().jsonPath("$.code").isEqualTo("file-not-found");
        }
    }

    @Test
    void onlyACallerWithATokenMayDelete() {
        http.delete().uri("/v1/files/f1").exchange().expectStatus().isUnauthorized();
        http.delete().uri("/v1/files/f1").header("Authorization", "Bearer not-a-token").exchange()
                .expectStatus().isUnauthorized();
        assertThat(buses.sent()).isEmpty();
    }

    private WebTestClient.ResponseSpec delete(String fileId, String token) {
        return http.delete().uri("/v1/files/" + fileId).header("Authorization", "Bearer " + token).exchange();
    }
}
