package io.depot.platform.axon;

import org.axonframework.common.jdbc.PersistenceExceptionResolver;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/**
 * Tells the event store that an append failed because another writer appended the same aggregate's sequence number
 * first, so that Axon reports a {@code ConcurrencyException} and the command is retried on fresh state. Axon's
 * {@code JdbcSQLErrorCodesResolver} looks only for {@link SQLIntegrityConstraintViolationException}, which H2 throws
 * and PostgreSQL's driver never does: it reports a unique violation as SQL state {@value #UNIQUE_VIOLATION}, inside
 * the batch's {@code BatchUpdateException}. Without this, two instances that append to one aggregate at once (two
 * completes of one upload arriving at different command services) answered the loser with a 503 instead of
 * retrying it. Only a unique violation counts: other integrity failures (a null where none may be) are not races.
 */
final class DuplicateKeyResolver implements PersistenceExceptionResolver {

    /** The SQL standard's unique violation, which PostgreSQL and H2 both report. */
    static final String UNIQUE_VIOLATION = "23505";

    @Override
    public boolean isDuplicateKeyViolation(Exception exception) {
        for (Throwable e = exception; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof SQLIntegrityConstraintViolationException) {
                return true;
            }
            if (e instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                        return true;
                    }
                    if (next.getNextException() == next) {
                        break;
                    }
                }
            }
        }
        return false;
    }
}
