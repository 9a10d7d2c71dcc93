package io.depot.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerLayerRefusalsTest {

    private static final String BOTH_LENGTHS = "POST /v1/uploads/initiate HTTP/1.1\r\nHost: depot\r\n"
            + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            + "GET /health HTTP/1.1\r\nHost: depot\r\n\r\n";

    private final ProblemWriter problems = new ProblemWriter(new ObjectMapper(), new SimpleMeterRegistry(),
            new ClientAddress(List.of()));

    private EmbeddedChannel connection() {
        HttpDecoderConfig codec = new HttpDecoderConfig().setHeadersFactory(new LengthRecordingHeaders.Factory(true));
        return new EmbeddedChannel(new HttpServerCodec(codec), new ServerLayerRefusals(problems, 4096, 8192));
    }

    @Test
    void nettyDropsTheContentLengthOfAChunkedRequestSoNothingAfterTheCodecSeesBoth() {
        EmbeddedChannel plain = new EmbeddedChannel(new HttpServerCodec());
        plain.writeInbound(bytes(BOTH_LENGTHS));
        HttpRequest request = plain.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        assertThat(request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
        plain.finishAndReleaseAll();
    }

    @Test
    void aRequestWithBothLengthsFailsToDecodeAndNothingAfterItIsRead() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(bytes(BOTH_LENGTHS));

        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isFailure()).isTrue();
        assertThat(request.decoderResult().cause()).hasMessageContaining("both Content-Length and Transfer-Encoding");
        assertThat((Object) channel.readInbound()).as("the body and the request behind it").isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aChunkedRequestAloneIsPassedOn() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(bytes("POST /v1/uploads/initiate HTTP/1.1\r\nHost: depot\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));

        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isSuccess()).isTrue();
        channel.finishAndReleaseAll();
    }

    @Test
    void aBareRefusalLeavesAsAProblem() throws Exception {
        EmbeddedChannel channel = connection();
        channel.writeInbound(bytes("GET /v1/files/" + "a".repeat(5000) + " HTTP/1.1\r\n\r\n"));
        ReferenceCountUtil.release(channel.readInbound());

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_URI_TOO_LONG,
                Unpooled.buffer(0)));

        String response = drain(channel);
        assertThat(response).startsWith("HTTP/1.1 414").contains("content-type: application/problem+json");
        JsonNode problem = new ObjectMapper().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(problem.get("code").asText()).isEqualTo("uri-too-long");
        assertThat(problem.get("type").asText()).isEqualTo("urn:depot:problem:uri-too-long");
        assertThat(problem.get("status").asInt()).isEqualTo(414);
        assertThat(problem.get("detail").asText()).contains("4096 bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void aBareAnswerToHeadKeepsItsEmptyBody() {
        EmbeddedChannel channel = connection();
        channel.writeInbound(bytes("HEAD /v1/files/x HTTP/1.1\r\nHost: depot\r\n\r\n"));
        ReferenceCountUtil.release(channel.readInbound());
        ReferenceCountUtil.release(channel.readInbound());

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
                Unpooled.buffer(0)));

        assertThat(drain(channel)).startsWith("HTTP/1.1 404").doesNotContain("problem");
        channel.finishAndReleaseAll();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static String drain(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (ByteBuf buffer; (buffer = channel.readOutbound()) != null; ) {
            out.append(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return out.toString();
    }
}
