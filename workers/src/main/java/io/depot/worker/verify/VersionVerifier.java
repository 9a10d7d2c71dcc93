package io.depot.worker.verify;

import io.depot.file.FailFileVersionCommand;
import io.depot.file.RecordVersionVerifiedCommand;
import io.depot.file.VerifyFileVersionCommand;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.storage.StoredObject;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks a new version's stored object: present and of the declared size, with its SHA-256 computed by
 * reading it when none is known and the policy asks for one. A version that fails loses its object.
 */
@Component
class VersionVerifier {

    /** Reading a large object takes a while; this bounds it generously (5 GiB at ~20 MB/s). */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

    private final ObjectStorage storage;
    private final CommandGateway commands;
    private final Clock clock;

    VersionVerifier(ObjectStorage storage, CommandGateway commands, Clock clock) {
        this.storage = storage;
        this.commands = commands;
        this.clock = clock;
    }

    @CommandHandler
    void handle(VerifyFileVersionCommand command) {
        Optional<StoredObject> stored = storage.head(command.objectKey()).block(READ_TIMEOUT);
        if (stored == null || stored.isEmpty()) {
            fail(command, "the stored object is missing");
            return;
        }
        if (stored.get().size() != command.size()) {
            storage.delete(command.objectKey()).block(READ_TIMEOUT);
            fail(command, "the stored object is " + stored.get().size() + " bytes, " + command.size() + " were declared");
            return;
        }
        String sha256 = command.knownSha256();
        if (sha256 == null && command.computeSha256()) {
            sha256 = storage.sha256(command.objectKey()).block(READ_TIMEOUT);
        }
        commands.sendAndWait(new RecordVersionVerifiedCommand(command.fileId(), command.version(), sha256));
    }

    private void fail(VerifyFileVersionCommand command, String reason) {
        commands.sendAndWait(new FailFileVersionCommand(command.fileId(), command.version(), reason, clock.instant()));
    }
}
