package io.depot.platform.tracing;

import io.opentelemetry.api.trace.Span;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Around every command handler and every event handler (projections, sagas, workers): the upload and file ids of the
 * message in the MDC, so that each line logged while it is handled names them, and on the handler's span, so that
 * the S3 calls it makes can name them too.
 */
final class HandlerLogContext<T extends Message<?>> implements MessageHandlerInterceptor<T> {

    private static final Logger log = LoggerFactory.getLogger(HandlerLogContext.class);

    @Override
    public Object handle(UnitOfWork<? extends T> unitOfWork, InterceptorChain chain) throws Exception {
        Message<?> message = unitOfWork.getMessage();
        Map<String, String> ids = MessageIds.of(message.getPayload());
        if (ids.isEmpty()) {
            return chain.proceed();
        }
        Span span = Span.current();
        ids.forEach((key, value) -> span.setAttribute(TracingAutoConfiguration.ATTRIBUTE_PREFIX + key, value));
        Map<String, String> replaced = LogContext.put(ids);
        try {
            // At DEBUG, one line per command, with its user and ids (events have HandledEventsLog's).
            if (message instanceof CommandMessage<?> && log.isDebugEnabled()) {
                log.debug("handles {}", message.getPayloadType().getSimpleName());
            }
            return chain.proceed();
        } finally {
            LogContext.restore(replaced);
        }
    }
}
