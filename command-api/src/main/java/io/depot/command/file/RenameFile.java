package io.depot.command.file;

import io.depot.file.CheckFileOwnerCommand;
import io.depot.file.ClaimFileNameCommand;
import io.depot.file.FileIds;
import io.depot.file.Filenames;
import io.depot.file.ReleaseFileNameCommand;
import io.depot.file.RenameFileCommand;
import io.depot.platform.axon.Dispatch;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * Renames a file its owner asks to rename, in three steps, each safe to repeat, so a retried request finishes what a failed one began: the new
 * name is claimed (refused when another of the owner's files has it), the file takes it, and the old name is
 * released, so that the next upload of the old name makes a new file. A rename the file refuses gives the claimed
 * name back.
 */
@Component
class RenameFile {

    private static final Logger log = LoggerFactory.getLogger(RenameFile.class);

    private final CommandGateway commands;
    private final Clock clock;

    RenameFile(CommandGateway commands, Clock clock) {
        this.commands = commands;
        this.clock = clock;
    }

    /** Answers the file's new name, normalized. */
    Mono<String> rename(String ownerId, String fileId, String requested) {
        String filename = Filenames.normalize(requested);
        String nameId = FileIds.nameId(ownerId, filename);
        Mono<String> renamed = Dispatch.<String>command(commands,
                        new RenameFileCommand(fileId, ownerId, filename, clock.instant()))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .onErrorResume(refused -> Dispatch.command(commands, new ReleaseFileNameCommand(nameId, fileId))
                        .onErrorResume(e -> {
                            log.warn("could not give back the name claimed for {}: {}", fileId, e.toString());
                            return Mono.empty();
                        })
                        .then(Mono.error(refused)));
        return Dispatch.command(commands, new CheckFileOwnerCommand(fileId, ownerId))
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId))
                .then(Dispatch.command(commands, new ClaimFileNameCommand(nameId, ownerId, filename, fileId)))
                .then(renamed)
                .flatMap(before -> before.equals(filename) ? Mono.just(filename)
                        : Dispatch.command(commands, new ReleaseFileNameCommand(FileIds.nameId(ownerId, before), fileId))
                        .onErrorResume(AggregateNotFoundException.class, e -> Mono.empty())
                        .thenReturn(filename));
    }
}
