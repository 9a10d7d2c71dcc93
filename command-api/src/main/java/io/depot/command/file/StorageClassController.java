package io.depot.command.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.file.RequestArchiveRetrievalCommand;
import io.depot.file.RequestStorageClassCommand;
import io.depot.file.RetrievalStatus;
import io.depot.file.RetrievalTier;
import io.depot.file.StorageClass;
import io.depot.platform.axon.Dispatch;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;

/**
 * A version's storage class as its owner chooses it, and retrievals of archived versions. A move or a retrieval
 * happens in the background: 202 says it is recorded and under way, 200 that there is nothing to wait for.
 */
@RestController
@RequestMapping("/v1/files/{fileId}/versions/{version}")
class StorageClassController {

    static final int MAX_RETRIEVAL_DAYS = 30;

    private final CommandGateway commands;
    private final Clock clock;

    StorageClassController(CommandGateway commands, Clock clock) {
        this.commands = commands;
        this.clock = clock;
    }

    /**
     * Moves the version to {@code storage_class} and pins it there, so lifecycle rules leave it alone: 202 while the
     * object is copied into the class, 200 when it is there already. An archived version moves out only while a
     * retrieval of it is available.
     */
    @PutMapping("/storage-class")
    @ApiResponse(responseCode = "202", description = "the move is recorded; the object is copied in the background")
    @ApiResponse(responseCode = "200", description = "the version is in that class already (and now pinned)")
    Mono<ResponseEntity<StorageClassResponse>> storageClass(@AuthenticationPrincipal Jwt user,
                                                            @PathVariable String fileId, @PathVariable long version,
                                                            @RequestBody StorageClassRequest request) {
        StorageClass target = parse(request.storageClass());
        return send(fileId, new RequestStorageClassCommand(fileId, user.getSubject(), version, target, clock.instant()))
                .map(pending -> ResponseEntity.status((Boolean) pending ? HttpStatus.ACCEPTED : HttpStatus.OK)
                        .body(new StorageClassResponse(fileId, version, target.name(),
                                (Boolean) pending ? "moving" : "stored", true)));
    }

    /**
     * Asks storage to restore an archived version for {@code days} days (1 to 30, default 1) at {@code tier}
     * ({@code Standard}, the default, {@code Bulk} or {@code Expedited}): 202 while it is restored, 200 when a
     * retrieval is available already. The version's {@code retrieval} shows when it can be downloaded.
     */
    @PostMapping("/retrieval")
    @ApiResponse(responseCode = "202", description = "the retrieval is recorded; storage restores the object")
    @ApiResponse(responseCode = "200", description = "a retrieval is available already")
    Mono<ResponseEntity<RetrievalResponse>> retrieval(@AuthenticationPrincipal Jwt user, @PathVariable String fileId,
                                                      @PathVariable long version,
                                                      @RequestBody(required = false) RetrievalRequest request) {
        RetrievalRequest asked = request == null ? new RetrievalRequest(null, null) : request;
        int days = asked.days() == null ? 1 : asked.days();
        if (days < 1 || days > MAX_RETRIEVAL_DAYS) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "days must be from 1 to " + MAX_RETRIEVAL_DAYS);
        }
        RetrievalTier tier = asked.tier() == null ? RetrievalTier.STANDARD : RetrievalTier.parse(asked.tier())
                .orElseThrow(() -> new DepotException(ErrorCode.VALIDATION_FAILED, "tier must be one of "
                        + Arrays.stream(RetrievalTier.values()).map(RetrievalTier::s3Name).toList()));
        return send(fileId, new RequestArchiveRetrievalCommand(fileId, user.getSubject(), version, days, tier,
                clock.instant()))
                .map(status -> ResponseEntity.status(status == RetrievalStatus.AVAILABLE ? HttpStatus.OK : HttpStatus.ACCEPTED)
                        .body(new RetrievalResponse(fileId, version,
                                ((RetrievalStatus) status).name().toLowerCase(Locale.ROOT))));
    }

    private static StorageClass parse(String name) {
        if (name == null || name.isBlank()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "storage_class is required");
        }
        return StorageClass.parse(name).orElseThrow(() -> new DepotException(ErrorCode.VALIDATION_FAILED,
                "storage_class must be one of " + Arrays.toString(StorageClass.values())));
    }

    private Mono<Object> send(String fileId, Object command) {
        return Dispatch.command(commands, command)
                .onErrorMap(AggregateNotFoundException.class,
                        e -> new DepotException(ErrorCode.FILE_NOT_FOUND, "no file " + fileId));
    }

    /** Body of {@code PUT /v1/files/{id}/versions/{v}/storage-class}. */
    record StorageClassRequest(String storageClass) {
    }

    /** Body of {@code POST /v1/files/{id}/versions/{v}/retrieval}; both members may be left out. */
    record RetrievalRequest(Integer days, String tier) {
    }

    /** {@code status}: {@code moving} while the copy is made, {@code stored} when it is in the class. */
    record StorageClassResponse(String fileId, long version, String storageClass, String status, boolean pinned) {
    }

    /** {@code status}: {@code requested} while storage restores it, {@code available} when it can be downloaded. */
    record RetrievalResponse(String fileId, long version, String status) {
    }
}
