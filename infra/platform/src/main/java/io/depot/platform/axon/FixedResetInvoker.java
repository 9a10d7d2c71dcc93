package io.depot.platform.axon;

import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;

/**
 * A processor's handler components, answering whether they support a reset from what they answered once. Axon's
 * processor asks every component for every event it reads, whether it handles it or not, twice for one it handles,
 * and a component answers by walking all of its handler methods: in a rebuild of the download history, a tenth of the
 * rebuilding thread's time. Handler methods never change while a processor runs. Only plain handler components are
 * wrapped: dead-lettering ones and saga managers are left as Axon made them.
 */
public final class FixedResetInvoker implements EventHandlerInvoker {

    private final EventHandlerInvoker delegate;
    private final boolean supportsReset;

    private FixedResetInvoker(EventHandlerInvoker delegate) {
        this.delegate = delegate;
        this.supportsReset = delegate.supportsReset();
    }

    /** {@code invoker} with the answer of each of its plain handler components fixed. */
    public static EventHandlerInvoker of(EventHandlerInvoker invoker) {
        if (invoker instanceof MultiEventHandlerInvoker multi) {
            return new MultiEventHandlerInvoker(multi.delegates().stream().map(FixedResetInvoker::of).toList());
        }
        return invoker.getClass() == SimpleEventHandlerInvoker.class ? new FixedResetInvoker(invoker) : invoker;
    }

    @Override
    public boolean supportsReset() {
        return supportsReset;
    }

    @Override
    public boolean canHandle(EventMessage<?> eventMessage, Segment segment) {
        return delegate.canHandle(eventMessage, segment);
    }

    @Override
    public boolean canHandleType(Class<?> payloadType) {
        return delegate.canHandleType(payloadType);
    }

    @Override
    public void handle(EventMessage<?> message, Segment segment) throws Exception {
        delegate.handle(message, segment);
    }

    @Override
    public void performReset() {
        delegate.performReset();
    }

    @Override
    public <R> void performReset(R resetContext) {
        delegate.performReset(resetContext);
    }

    @Override
    public void segmentReleased(Segment segment) {
        delegate.segmentReleased(segment);
    }
}
