package io.depot.bench;

import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;

import java.util.Map;

/**
 * The floor for Depot's request path: a WebFlux endpoint on Reactor Netty that answers a small JSON document and
 * does nothing else, run as a process of its own beside Depot.
 */
public final class BareServer {

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        var routes = RouterFunctions.route()
                .GET("/bare", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("url", "http://127.0.0.1/bare", "version", 1)))
                .build();
        var adapter = new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes));
        HttpServer.create().host("127.0.0.1").port(port).handle(adapter).bindNow().onDispose().block();
        Mono.never().block();
    }
}
