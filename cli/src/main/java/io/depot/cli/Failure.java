package io.depot.cli;

/** A failure that ends the command with one of the exit codes scripts rely on. */
final class Failure extends RuntimeException {

    static final int USAGE = 1;
    static final int REFUSED = 2;
    static final int UNAVAILABLE = 3;
    static final int LOCAL_IO = 4;
    static final int CHECKSUM = 5;

    final int exitCode;

    Failure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    Failure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static Failure io(String what, java.io.IOException e) {
        return new Failure(LOCAL_IO, what + ": " + e, e);
    }
}
