package io.depot.command.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.ChangeFileVisibilityCommand;
import io.depot.file.DeleteFileCommand;
import io.depot.file.DeleteFileVersionCommand;
import io.depot.file.FileIds;
import io.depot.file.FileRemoval;
import io.depot.file.ReleaseFileNameCommand;
import io.depot.file.RestoreFileVersionCommand;
import io.depot.file.SetFileTagsCommand;
import io.depot.file.Tags;
import io.depot.file.Visibility;
import io.depot.platform.axon.Dispatch;
import jakarta.validation.Valid;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;

/**
 * Changes to files that exist: deletion, tags, visibility and name, and their versions. Each answers once the change
 * is recorded; the query side shows it moments later.
 */
@RestController
@RequestMapping("/v1/files")
class FileCommandController {

    private final CommandGateway commands;
    private final RenameFile rename;
    private final Clock clock;

    FileCommandController(CommandGateway commands, RenameFile rename, Clock clock) {
        this.commands = commands;
        this.rename = rename;
        this.clock = clock;
    }

    /**
     * Deletes the file and frees its name for a new file; its objects are removed from storage in the background,
     * with retries.
     */
    @DeleteMapping("/{fileId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> delete(@AuthenticationPrincipal Jwt user, @PathVariable String fileId) {
        String owner = user.getSubject();
        return send(fileId, new DeleteFileCommand(fileId, owner, clock.instant()))
                .flatMap(removal -> release(owner, fileId, ((FileRemoval) removal).filename()));
    }

    @PutMapping("/{fileId}/tags")
    Mono<FileChangeResponse> tags(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                  @RequestBody TagsRequest request) {
        List<String> tags = Tags.normalize(request.tags());
        return send(fileId, new SetFileTagsCommand(fileId, user.getSubject(), tags, clock.instant()))
                .thenReturn(new FileChangeResponse(fileId, null, null, tags));
    }

    /** Makes the file public or private, renames it, or both; a name another of the owner's files has is refused. */
    @PatchMapping("/{fileId}")
    Mono<FileChangeResponse> change(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                    @Valid @RequestBody FileChangeRequest request) {
        if (request.publicFile() == null && request.filename() == null) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "give \"public\", \"filename\" or both");
        }
        String owner = user.getSubject();
        Mono<String> renamed = request.filename() == null ? Mono.empty()
                : rename.rename(owner, fileId, request.filename());
        Mono<Void> visibility = request.publicFile() == null ? Mono.empty()
                : send(fileId, new ChangeFileVisibilityCommand(fileId, owner,
                request.publicFile() ? Visibility.PUBLIC : Visibility.PRIVATE, clock.instant())).then();
        return renamed.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(name -> visibility.thenReturn(new FileChangeResponse(fileId, name.orElse(null),
                        request.publicFile(), null)));
    }

    /** Makes version {@code version}'s content the newest version, sharing its stored object. */
    @PostMapping("/{fileId}/versions/{version}/restore")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<RestoreResponse> restore(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                  @PathVariable long version) {
        return send(fileId, new RestoreFileVersionCommand(fileId, user.getSubject(), version, clock.instant()))
                .map(restored -> new RestoreResponse(fileId, (Long) restored, version));
    }

    /** Deletes one version; its object is removed from storage in the background unless another version uses it. */
    @DeleteMapping("/{fileId}/versions/{version}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> deleteVersion(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                             @PathVariable long version) {
        return send(fileId, new DeleteFileVersionCommand(fileId, user.getSubject(), version, clock.instant())).then();
    }

    private Mono<Object> send(String fileId, Object command) {
        return Dispatch.command(commands, command)
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId));
    }

    private Mono<Void> release(String ownerId, String fileId, String filename) {
        return Dispatch.command(commands, new ReleaseFileNameCommand(FileIds.nameId(ownerId, filename), fileId))
                .onErrorResume(AggregateNotFoundException.class, e -> Mono.empty())
                .then();
    }

    /** Body of {@code PUT /v1/files/{id}/tags}: the file's tags from now on, {@code key=value} or plain. */
    record TagsRequest(List<String> tags) {
    }

    /**
     * Body of {@code PATCH /v1/files/{id}}.
     *
     * @param publicFile whether anyone may read the file
     * @param filename   the file's new name, checked and normalized by {@link io.depot.file.Filenames}
     */
    record FileChangeRequest(@com.fasterxml.jackson.annotation.JsonProperty("public") Boolean publicFile,
                             String filename) {
    }

    /** What changed: the fields not changed are absent. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record FileChangeResponse(String fileId, String filename,
                              @com.fasterxml.jackson.annotation.JsonProperty("public") Boolean publicFile,
                              List<String> tags) {
    }

    /** The version a restore made, and the version whose content it has. */
    record RestoreResponse(String fileId, long version, long restoredFrom) {
    }
}
