package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every answer under {@code /v1/tus} carries {@code Tus-Resumable}; every request but discovery must send it with the
 * version Depot speaks (412 with {@code Tus-Version} otherwise).
 */
@Component
class TusHeaders implements WebFilter {

    static final String PATH = "/v1/tus";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
            return chain.filter(exchange);
        }
        var response = exchange.getResponse();
        response.beforeCommit(() -> {
            response.getHeaders().set(TusProtocol.RESUMABLE, TusProtocol.VERSION);
            if (response.getStatusCode() == HttpStatus.PRECONDITION_FAILED) {
                response.getHeaders().set(TusProtocol.TUS_VERSION, TusProtocol.VERSION);
            }
            return Mono.empty();
        });
        if (exchange.getRequest().getMethod() != HttpMethod.OPTIONS) {
            String version = exchange.getRequest().getHeaders().getFirst(TusProtocol.RESUMABLE);
            if (version == null) {
                return Mono.error(new DepotException(ErrorCode.TUS_VERSION_UNSUPPORTED, "send Tus-Resumable: "
                        + TusProtocol.VERSION));
            }
            if (!TusProtocol.VERSION.equals(version.trim())) {
                return Mono.error(new DepotException(ErrorCode.TUS_VERSION_UNSUPPORTED, "this server speaks tus "
                        + TusProtocol.VERSION + ", not " + version));
            }
        }
        return chain.filter(exchange);
    }
}
