package io.depot.platform.metrics;

import io.depot.error.DepotException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.Message;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.monitoring.MessageMonitor;

import java.time.Duration;

/**
 * Times each command from its dispatch on this instance's command bus to its result: {@code depot.commands}
 * ({@code depot_commands_seconds_count} and {@code _sum}) by {@code command} (the command's class name) and
 * {@code outcome}: {@code success}, {@code rejected} (the domain refused it, or its aggregate does not exist: what a
 * client sees as a 4xx, and what some use cases ask on purpose) or {@code failed} (anything else: a lost concurrency
 * race the gateway retries, a store down).
 */
final class CommandMeters implements MessageMonitor<Message<?>> {

    private final MeterRegistry meters;

    CommandMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public MonitorCallback onMessageIngested(Message<?> message) {
        String command = message instanceof CommandMessage<?> c ? simpleName(c.getCommandName())
                : message.getPayloadType().getSimpleName();
        long started = System.nanoTime();
        return new MonitorCallback() {
            @Override
            public void reportSuccess() {
                record(command, "success", started);
            }

            @Override
            public void reportFailure(Throwable cause) {
                boolean refused = cause instanceof DepotException || cause instanceof AggregateNotFoundException;
                record(command, refused ? "rejected" : "failed", started);
            }

            @Override
            public void reportIgnored() {
                record(command, "ignored", started);
            }
        };
    }

    private void record(String command, String outcome, long started) {
        Timer.builder("depot.commands")
                .description("Commands handled, by command and outcome")
                .tag("command", command)
                .tag("outcome", outcome)
                .register(meters)
                .record(Duration.ofNanos(System.nanoTime() - started));
    }

    private static String simpleName(String commandName) {
        return commandName.substring(commandName.lastIndexOf('.') + 1);
    }
}
