package io.depot.platform.processing;

import io.depot.error.DepotException;
import io.opentelemetry.context.Context;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a command from background work (an event handler, a saga, a deadline) in a unit of work and a transaction
 * of its own, and waits for its outcome. Sent inside the event processor's unit of work, a command would join that
 * transaction: its events would be stored only when the batch commits, and a command that failed would mark the
 * batch's transaction rollback-only, so a handler that caught the failure to retry or record it would still fail at
 * commit. Detached, the command's events are stored once {@link #send} returns, and its failure is the caller's to
 * handle: a {@link DepotException} is the domain's refusal, which retrying does not change; anything else (a store
 * down, a concurrency loss past the gateway's retries, a timeout) is transient.
 */
public final class BackgroundCommands implements DisposableBean {

    private final CommandGateway gateway;
    private final Duration timeout;
    private final ExecutorService executor;

    public BackgroundCommands(CommandGateway gateway, Duration timeout) {
        this.gateway = gateway;
        this.timeout = timeout;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "depot-background-command-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Sends {@code command} and returns its result once it committed.
     *
     * @throws DepotException             when the domain refused the command
     * @throws BackgroundCommandException when it failed for any other reason or did not finish in time
     */
    @SuppressWarnings("unchecked")
    public <R> R send(Object command) {
        // The handler's trace goes along to the command's thread, so the command is part of the same trace.
        Future<Object> outcome = executor.submit(Context.current().wrap(() -> gateway.send(command).get()));
        try {
            return (R) outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ExecutionException nested ? nested.getCause() : e.getCause();
            if (cause instanceof DepotException refusal) {
                throw refusal;
            }
            throw new BackgroundCommandException(name(command) + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            outcome.cancel(true);
            throw new BackgroundCommandException(name(command) + " did not finish within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.cancel(true);
            throw new BackgroundCommandException(name(command) + " was interrupted", e);
        }
    }

    private static String name(Object command) {
        return command.getClass().getSimpleName();
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }

    /** A background command that failed for a reason other than the domain's refusal: worth retrying. */
    public static final class BackgroundCommandException extends RuntimeException {
        BackgroundCommandException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
