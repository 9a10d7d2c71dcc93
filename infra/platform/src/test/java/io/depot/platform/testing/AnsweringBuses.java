package io.depot.platform.testing;

import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.Registration;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryGateway;
import org.axonframework.queryhandling.QueryMessage;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Axon's own local command and query buses for a controller slice, in place of the aggregates and projections: a
 * test says how a message type is answered, and reads which messages the controller sent. What a controller maps a
 * request to, and how it maps the answer, is then visible without the services behind it.
 */
@TestConfiguration(proxyBeanMethods = false)
public class AnsweringBuses {

    private final SimpleQueryBus queryBus = SimpleQueryBus.builder().build();
    private final SimpleCommandBus commandBus = SimpleCommandBus.builder().build();
    private final List<Object> sent = new CopyOnWriteArrayList<>();
    private final List<Registration> handlers = new CopyOnWriteArrayList<>();

    @Bean
    QueryGateway sliceQueryGateway() {
        return DefaultQueryGateway.builder().queryBus(queryBus).build();
    }

    @Bean
    CommandGateway sliceCommandGateway() {
        return DefaultCommandGateway.builder().commandBus(commandBus).build();
    }

    /** Answers queries of type {@code query} (for answers of type {@code responseType}) with {@code answer}. */
    public <Q> void answer(Class<Q> query, Type responseType, Function<Q, Object> answer) {
        handlers.add(queryBus.subscribe(query.getName(), responseType, (QueryMessage<?, ?> message) -> {
            sent.add(message.getPayload());
            return answer.apply(query.cast(message.getPayload()));
        }));
    }

    /** Handles commands of type {@code command} with {@code handling}, whose result is the command's. */
    public <C> void handle(Class<C> command, Function<C, Object> handling) {
        handlers.add(commandBus.subscribe(command.getName(), (CommandMessage<?> message) -> {
            sent.add(message.getPayload());
            return handling.apply(command.cast(message.getPayload()));
        }));
    }

    /** The queries and commands the controller sent, oldest first. */
    public List<Object> sent() {
        return List.copyOf(sent);
    }

    /** Forgets what was sent and how messages are answered: the slice's context outlives a test. */
    public void clear() {
        sent.clear();
        handlers.forEach(Registration::cancel);
        handlers.clear();
    }
}
