package io.depot.platform.axon;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.ReplayToken;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FixedResetInvokerTest {

    /** A handler component that counts how often it is asked whether it supports a reset. */
    static final class Counting implements EventMessageHandler {
        final boolean replayable;
        final List<String> seen = new ArrayList<>();
        final AtomicInteger asked = new AtomicInteger();

        Counting(boolean replayable) {
            this.replayable = replayable;
        }

        @Override
        public Object handle(EventMessage<?> event) {
            seen.add((String) event.getPayload());
            return null;
        }

        @Override
        public boolean canHandle(EventMessage<?> event) {
            return event.getPayload() instanceof String;
        }

        @Override
        public boolean supportsReset() {
            asked.incrementAndGet();
            return replayable;
        }
    }

    private static TrackedEventMessage<?> event(String payload, boolean replayed) {
        GlobalSequenceTrackingToken token = new GlobalSequenceTrackingToken(1);
        return new GenericTrackedEventMessage<>(replayed
                ? ReplayToken.createReplayToken(new GlobalSequenceTrackingToken(5), token) : token,
                GenericEventMessage.asEventMessage(payload));
    }

    @Test
    void eachComponentIsAskedOnceAndEventsGoWhereTheyWentBefore() throws Exception {
        Counting replayable = new Counting(true);
        Counting liveOnly = new Counting(false);
        EventHandlerInvoker invoker = FixedResetInvoker.of(new MultiEventHandlerInvoker(
                SimpleEventHandlerInvoker.builder().eventHandlers(replayable).build(),
                SimpleEventHandlerInvoker.builder().eventHandlers(liveOnly).build()));

        for (int i = 0; i < 100; i++) {
            TrackedEventMessage<?> live = event("live-" + i, false);
            TrackedEventMessage<?> replayed = event("replayed-" + i, true);
            assertThat(invoker.canHandle(live, Segment.ROOT_SEGMENT)).isTrue();
            assertThat(invoker.canHandle(replayed, Segment.ROOT_SEGMENT)).isTrue();
            invoker.handle(live, Segment.ROOT_SEGMENT);
            invoker.handle(replayed, Segment.ROOT_SEGMENT);
        }

        assertThat(replayable.asked.get() + liveOnly.asked.get()).isEqualTo(2);
        assertThat(invoker.supportsReset()).isTrue();
        assertThat(replayable.seen).hasSize(200).contains("live-0", "replayed-99");
        // A component that supports no reset still sees no replayed event.
        assertThat(liveOnly.seen).hasSize(100).allMatch(e -> e.startsWith("live-"));
    }

    @Test
    void componentsOtherThanPlainHandlersAreLeftAsTheyAre() {
        EventHandlerInvoker other = new EventHandlerInvoker() {
            @Override
            public boolean canHandle(EventMessage<?> eventMessage, Segment segment) {
                return true;
            }

            @Override
            public void handle(EventMessage<?> message, Segment segment) {
            }
        };
        MultiEventHandlerInvoker wrapped = (MultiEventHandlerInvoker) FixedResetInvoker.of(
                new MultiEventHandlerInvoker(other, SimpleEventHandlerInvoker.builder().eventHandlers(new Counting(true)).build()));

        assertThat(wrapped.delegates().get(0)).isSameAs(other);
        assertThat(wrapped.delegates().get(1)).isInstanceOf(FixedResetInvoker.class);
    }
}
