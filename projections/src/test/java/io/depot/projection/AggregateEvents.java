package io.depot.projection;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;

/** The events of one aggregate as its repository publishes them: numbered in sequence from 0. */
public final class AggregateEvents {

    private final String type;
    private final String id;
    private long next;

    public AggregateEvents(String type, String id) {
        this.type = type;
        this.id = id;
    }

    public DomainEventMessage<?> next(Object payload) {
        return new GenericDomainEventMessage<>(type, id, next++, payload);
    }
}
