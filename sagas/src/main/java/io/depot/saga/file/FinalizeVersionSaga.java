package io.depot.saga.file;

import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.MarkVersionAvailableCommand;
import io.depot.file.RequestFileScanCommand;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;

import java.time.Instant;

/**
 * From a completed upload to a downloadable version: once the version-verification worker found the stored
 * object sound (present, of the right size, its SHA-256 known), a malware scan is requested, and the version
 * becomes available, at once when policy allows unscanned downloads, else when a scanner clears it. A
 * version that fails verification ends the saga; the worker recorded why and removed the object.
 */
@Saga
@ProcessingGroup(FinalizeVersionSaga.GROUP)
public class FinalizeVersionSaga {

    public static final String GROUP = "file-finalize";
    static final String VERSION_KEY = "versionKey";

    private String fileId;
    private long version;

    /** The version-verification worker checks the stored object; this saga follows what it finds. */
    @StartSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionedEvent event) {
        fileId = event.fileId();
        version = event.version();
    }

    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionVerifiedEvent event, CommandGateway commands, FinalizePolicy policy, @Timestamp Instant at) {
        commands.send(new RequestFileScanCommand(fileId, version));
        if (policy.allowUnscannedDownloads()) {
            commands.send(new MarkVersionAvailableCommand(fileId, version, false, at));
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionAvailableEvent event) {
        // the version is downloadable: nothing left to do
    }

    @EndSaga
    @SagaEventHandler(associationProperty = VERSION_KEY)
    void on(FileVersionFailedEvent event) {
        // the verifier removed the object and recorded why
    }
}
