package io.depot.platform.axon;

import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DispatchTest {

    /** A client that goes away cancels the answer, never the work: the handler runs to its end, uninterrupted. */
    @Test
    void aCancelledSendLetsItsHandlerFinishUninterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<String> thread = new AtomicReference<>();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(String.class.getName(), command -> {
            thread.set(Thread.currentThread().getName());
            started.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            finished.countDown();
            return "done";
        });
        var gateway = DefaultCommandGateway.builder().commandBus(bus).build();

        Disposable request = Dispatch.command(gateway, "work").subscribe();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        request.dispose();

        assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(thread.get()).startsWith("boundedElastic");
    }

    @Test
    void aSendAnswersWhatItsHandlerReturns() {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(String.class.getName(), command -> "handled " + command.getPayload());
        var gateway = DefaultCommandGateway.builder().commandBus(bus).build();

        assertThat(Dispatch.<String>command(gateway, "work").block()).isEqualTo("handled work");
    }
}
