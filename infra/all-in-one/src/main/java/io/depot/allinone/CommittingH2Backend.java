package io.depot.allinone;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * mongo-java-server's H2 backend, with every command's changes written to the file before the command is answered.
 * The backend changes its MVStore's maps in memory and leaves them to MVStore's background commit, about once a
 * second (autoCommitDelay): a process killed in between loses writes it had acknowledged, among them the tracking
 * tokens, sagas and idempotency keys Depot keeps here. {@code MVStore.commit()} returns once everything changed
 * before the call is written to the file; with nothing changed it only takes the store's lock, which also makes a
 * command wait for a commit another one has in progress. The write is not forced to the device (no fsync): it
 * survives the process, not a power loss or an operating-system crash.
 */
final class CommittingH2Backend extends H2Backend {

    CommittingH2Backend(String fileName) {
        super(fileName);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            // Also after a failed command: a batch that failed half-way has changed what it wrote first.
            commit();
        }
    }
}
