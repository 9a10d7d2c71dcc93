package io.depot.saga;

import io.depot.platform.processing.BackgroundCommands;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.test.saga.SagaTestFixture;

import java.time.Duration;
import java.util.List;

/** The services sagas take as handler parameters, wired to a fixture's recording command bus. */
public final class SagaResources {

    /** Retries a failed command after 5 s, then 10 s, 20 s, ... up to 10 minutes. */
    public static final ProcessingProperties PROCESSING = new ProcessingProperties(List.of(), 3, Duration.ofMillis(200),
            Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(1), List.of(), Duration.ofSeconds(5),
            500, List.of(), 4, 0, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2));

    private SagaResources() {
    }

    public static void register(SagaTestFixture<?> fixture) {
        fixture.registerResource(new BackgroundCommands(
                DefaultCommandGateway.builder().commandBus(fixture.getCommandBus()).build(), Duration.ofSeconds(5)));
        fixture.registerResource(PROCESSING);
    }
}
