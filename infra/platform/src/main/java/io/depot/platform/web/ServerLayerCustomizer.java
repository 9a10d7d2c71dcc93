package io.depot.platform.web;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import org.springframework.boot.web.embedded.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;

import java.util.Arrays;
import java.util.Set;

/**
 * Installs {@link ServerLayerRefusals} on every HTTP/1.1 connection, with a codec whose request headers remember a
 * dropped {@code Content-Length} ({@link LengthRecordingHeaders}). It runs after every other customizer, so the codec
 * keeps the limits Spring Boot set ({@code server.max-http-request-header-size}, {@code server.netty.*}).
 * Connections negotiating HTTP/2 keep reactor-netty's pipeline: HTTP/2 frames carry their own lengths.
 */
final class ServerLayerCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

    static final String HANDLER_NAME = "depot.serverLayerRefusals";

    private final ProblemWriter problems;

    ServerLayerCustomizer(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(this::install);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    HttpServer install(HttpServer server) {
        if (!Set.of(HttpProtocol.HTTP11).equals(Set.copyOf(Arrays.asList(server.configuration().protocols())))) {
            return server;
        }
        HttpRequestDecoderSpec spec = server.configuration().decoder();
        HttpDecoderConfig codec = new HttpDecoderConfig()
                .setMaxInitialLineLength(spec.maxInitialLineLength())
                .setMaxHeaderSize(spec.maxHeaderSize())
                .setMaxChunkSize(spec.maxChunkSize())
                .setValidateHeaders(spec.validateHeaders())
                .setInitialBufferSize(spec.initialBufferSize())
                .setAllowDuplicateContentLengths(spec.allowDuplicateContentLengths())
                .setAllowPartialChunks(spec.allowPartialChunks())
                .setHeadersFactory(new LengthRecordingHeaders.Factory(spec.validateHeaders()));
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec) {
                pipeline.replace(NettyPipeline.HttpCodec, NettyPipeline.HttpCodec, new HttpServerCodec(codec));
                pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER_NAME,
                        new ServerLayerRefusals(problems, spec.maxInitialLineLength(), spec.maxHeaderSize()));
            }
        });
    }
}
