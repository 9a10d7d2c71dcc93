package io.depot.command.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.DeleteFileCommand;
import io.depot.platform.axon.Dispatch;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;

/** Changes to files that exist. */
@RestController
@RequestMapping("/v1/files")
class FileCommandController {

    private final CommandGateway commands;
    private final Clock clock;

    FileCommandController(CommandGateway commands, Clock clock) {
        this.commands = commands;
        this.clock = clock;
    }

    /** Deletes the file; its objects are removed from storage in the background, with retries. */
    @DeleteMapping("/{fileId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        return Dispatch.<List<String>>command(commands, new DeleteFileCommand(fileId, user.getSubject(), clock.instant()))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .then();
    }
}
