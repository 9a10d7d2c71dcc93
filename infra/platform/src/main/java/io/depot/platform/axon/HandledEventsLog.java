package io.depot.platform.axon;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At DEBUG, one line per event a processor handles, naming the processor, the segment and the aggregate: which
 * instance handled what, when several share a processor's segments. Off (one level check per event) otherwise.
 */
final class HandledEventsLog implements MessageHandlerInterceptor<EventMessage<?>> {

    private static final Logger log = LoggerFactory.getLogger(HandledEventsLog.class);

    private final String processorName;
    private final String segmentResource;

    HandledEventsLog(String processorName) {
        this.processorName = processorName;
        // Where Axon's tracking processor keeps the segment of the unit of work it runs.
        this.segmentResource = "Processor[" + processorName + "]/SegmentId";
    }

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        if (log.isDebugEnabled()) {
            EventMessage<?> event = unitOfWork.getMessage();
            String aggregate = event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : "-";
            log.debug("{} segment {} handles {} of {}", processorName, unitOfWork.getResource(segmentResource),
                    event.getPayloadType().getSimpleName(), aggregate);
        }
        return chain.proceed();
    }
}
