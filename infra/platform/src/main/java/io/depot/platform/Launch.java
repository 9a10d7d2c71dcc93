package io.depot.platform;

import org.springframework.boot.SpringApplication;

/**
 * Starts a Depot service, and ends its process when the start fails. Spring Boot reports a failed start and closes
 * what it had started, but leaves the JVM to end with its last non-daemon thread: Axon's task janitor, which the first
 * time-limited handler starts and nothing stops, kept a service that failed after catching up on events alive for
 * good, neither serving nor exiting, so no supervisor restarted it.
 */
public final class Launch {

    /** The exit status of a start that failed. */
    public static final int FAILED_START = 1;

    private Launch() {
    }

    /** Runs {@code application} with {@code args}; on failure, after Spring Boot's report, exits with status 1. */
    public static void run(Class<?> application, String[] args) {
        try {
            SpringApplication.run(application, args);
        } catch (Throwable failure) {
            // Spring Boot has logged the failure and closed the context.
            System.exit(FAILED_START);
        }
    }
}
