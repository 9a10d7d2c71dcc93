package io.depot.allinone;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * mongo-java-server's H2 backend, with every write command committed to the file before it is answered. The
 * backend changes its MVStore's maps in memory and leaves them to MVStore's background commit, about once a second
 * (autoCommitDelay): a process killed in between lost idempotency keys of requests Depot had answered, sagas and
 * read-model writes. {@code MVStore.commit()} returns once everything changed before the call is in the file; it is
 * not forced to the device (no fsync), so it survives the process, not a power loss or an operating-system crash.
 * <p>
 * A command changes several maps (a collection's documents and each of its indexes) one after the other, and a
 * commit writes whatever the maps hold when it runs: a commit made while another command is half-way can put a
 * document without its index entry in the file (seen while read-model writes were left to later commits: after the
 * kill every upsert of that document failed, and the files projection stopped). So these commits wait for the write
 * commands in progress, and write commands for a commit in progress. MVStore's own background commit, which runs
 * only after a second without one, does not wait: a kill in the instant between it and the command's own commit can
 * still leave a half-written command behind.
 * <p>
 * Axon's tracking-token writes are not committed on their own: a token is written after what its events produced is
 * committed ({@code TokensAfterCommit}), so a token a killed process lost only makes the next one handle those events
 * again, and the idle processors, which store theirs every second, would otherwise add a chunk to the file for each.
 * They reach the file with the next commit.
 */
final class CommittingH2Backend extends H2Backend {

    /** Commands that change nothing, in lower case (Depot's aggregations have no $out or $merge stage). */
    private static final Set<String> READS = Set.of("find", "getmore", "count", "distinct", "aggregate",
            "listcollections", "listindexes", "listdatabases", "hello", "ismaster", "ping", "buildinfo",
            "serverstatus", "killcursors", "endsessions", "dbstats", "collstats", "getparameter", "getlasterror",
            "whatsmyuri", "hostinfo", "getcmdlineopts", "getfreemonitoringstatus", "currentop", "explain",
            "connectionstatus");

    /** Axon's tracking tokens. */
    private static final String TOKENS = "trackingtokens";

    /** Shared by write commands while they run; a commit holds it alone. */
    private final ReentrantReadWriteLock changes = new ReentrantReadWriteLock(true);
    private final int compactOnCloseMillis;

    /**
     * @param fileName             the store's file
     * @param compactOnCloseMillis how long a clean stop may spend giving back the space of old chunks
     */
    CommittingH2Backend(String fileName, int compactOnCloseMillis) {
        super(MVStore.open(fileName));
        this.compactOnCloseMillis = compactOnCloseMillis;
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (READS.contains(command.toLowerCase(Locale.ROOT))) {
            return super.handleCommand(channel, databaseName, command, query);
        }
        Lock running = changes.readLock();
        running.lock();
        try {
            return super.handleCommand(channel, databaseName, command, query);
        } finally {
            running.unlock();
            // Also after a failed command: a batch that failed half-way has changed what it wrote first.
            if (!TOKENS.equals(query.get(command))) {
                commitWholeCommands();
            }
        }
    }

    private void commitWholeCommands() {
        Lock committing = changes.writeLock();
        committing.lock();
        try {
            commit();
        } finally {
            committing.unlock();
        }
    }

    /** Every commit is a chunk whose space H2 reuses only after its retention time (45 s): a clean stop gives it back. */
    @Override
    public void close() {
        if (compactOnCloseMillis > 0 && !getMvStore().isClosed()) {
            getMvStore().compactFile(compactOnCloseMillis);
        }
        super.close();
    }
}
