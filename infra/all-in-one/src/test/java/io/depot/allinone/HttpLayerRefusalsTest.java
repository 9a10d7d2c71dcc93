package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Requests refused before they reach a controller, sent byte for byte over a plain socket: ambiguous framing is
 * refused and ends the connection, every refusal the HTTP server makes by itself is a problem like Depot's own, and
 * no detail names a Java type or a library's internals.
 */
class HttpLayerRefusalsTest extends EndToEndTest {

    /** What a second request smuggled behind a refused one would be. */
    private static final String SMUGGLED = "GET /health HTTP/1.1\r\nHost: depot\r\n\r\n";

    private static final String INITIATE = "{\"filename\":\"a.bin\",\"content_type\":\"text/plain\",\"size\":1";

    private String alice;

    @BeforeEach
    void token() {
        alice = api.token("alice");
    }

    // ---- framing ------------------------------------------------------------------------------------------

    static Stream<Arguments> ambiguousFraming() {
        return Stream.of(
                arguments("Content-Length and Transfer-Encoding on a JSON POST",
                        "POST /v1/uploads/initiate HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
                arguments("Transfer-Encoding before Content-Length on a part PUT",
                        "PUT /v1/uploads/9b2f4c1e-0000-4000-8000-000000000000/parts/1 HTTP/1.1\r\n"
                                + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"),
                arguments("two different Content-Lengths",
                        "POST /v1/uploads/initiate HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 2\r\nContent-Length: 40\r\n", "{}"),
                arguments("Content-Length with a transfer coding other than chunked",
                        "POST /v1/uploads/initiate HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n", "{}"),
                arguments("chunked named twice",
                        "POST /v1/uploads/initiate HTTP/1.1\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"),
                arguments("Transfer-Encoding in HTTP/1.0",
                        "POST /v1/uploads/initiate HTTP/1.0\r\nConnection: keep-alive\r\n"
                                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ambiguousFraming")
    void aRequestWithAmbiguousFramingIsRefusedAndNothingAfterItIsAnswered(String name, String head, String body) {
        Stored before = stored();
        Exchange exchange = send(head + "Host: depot\r\nAuthorization: Bearer " + alice + "\r\n\r\n" + body + SMUGGLED);

        assertThat(exchange.responses()).as(exchange.text()).hasSize(1);
        Response refusal = exchange.responses().get(0);
        JsonNode problem = assertProblem(refusal, 400, "malformed-request");
        assertThat(problem.get("detail").asText()).containsAnyOf("Content-Length", "Transfer-Encoding");
        assertThat(refusal.header("connection")).isEqualToIgnoringCase("close");
        assertThat(exchange.closed()).as("the server closed the connection").isTrue();
        assertNothingStoredSince(before);
    }

    @Test
    void aChunkedRequestAloneIsServedAndTheConnectionKeptForTheNext() {
        String json = INITIATE.replace("a.bin", uniqueName("chunked")) + "}";
        String chunked = Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
        Exchange exchange = send("POST /v1/uploads/initiate HTTP/1.1\r\nHost: depot\r\nAuthorization: Bearer " + alice
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + SMUGGLED, 2);

        assertThat(exchange.responses()).as(exchange.text()).extracting(Response::status).containsExactly(201, 200);
    }

    // ---- refusals by the HTTP server ------------------------------------------------------------------------

    static Stream<Arguments> serverLayerRefusals() {
        return Stream.of(
                arguments("an empty path segment", "GET //v1/files/x HTTP/1.1\r\nHost: depot\r\n\r\n",
                        400, "request-rejected"),
                arguments("an encoded NUL in the path", "GET /v1/files/a%00b HTTP/1.1\r\nHost: depot\r\n\r\n",
                        400, "request-rejected"),
                arguments("a 5,000-character id", "GET /v1/files/" + "a".repeat(5000) + " HTTP/1.1\r\nHost: depot\r\n\r\n",
                        414, "uri-too-long"),
                arguments("a 20 KB header", "GET /health HTTP/1.1\r\nHost: depot\r\nX-Padding: " + "a".repeat(20_000)
                        + "\r\n\r\n", 431, "headers-too-large"),
                arguments("a request line that is not HTTP", "GARBAGE\r\n\r\n", 400, "malformed-request"),
                arguments("a header line without a colon", "GET /health HTTP/1.1\r\nHost: depot\r\nno colon\r\n\r\n",
                        400, "malformed-request"),
                arguments("a Content-Length that is not a number", "POST /v1/uploads/initiate HTTP/1.1\r\nHost: depot\r\n"
                        + "Content-Type: application/json\r\nContent-Length: two\r\n\r\n{}", 400, "malformed-request"),
                arguments("a JSON body over 256 KiB", "POST /v1/uploads/initiate HTTP/1.1\r\nHost: depot\r\n"
                        + "Authorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 300000\r\n\r\n"
                        + "{\"filename\":\"" + "a".repeat(300_000 - 14) + "\"}", 413, "payload-too-large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverLayerRefusals")
    void everyRefusalOfTheHttpServerIsAProblem(String name, String request, int status, String code) {
        // The server may keep the connection: closing it from this side ends the exchange without a wait.
        String closing = request.replace("Host: depot\r\n", "Host: depot\r\nConnection: close\r\n");
        Exchange exchange = send(closing.replace("{token}", alice));

        assertThat(exchange.responses()).as(exchange.text()).hasSize(1);
        JsonNode problem = assertProblem(exchange.responses().get(0), status, code);
        assertNoInternals(problem.get("detail").asText());
    }

    // ---- details --------------------------------------------------------------------------------------------

    static Stream<Arguments> inputThatDoesNotFit() {
        String initiate = "POST /v1/uploads/initiate";
        String complete = "POST /v1/uploads/9b2f4c1e-0000-4000-8000-000000000000/complete";
        return Stream.of(
                arguments("a string for a number", initiate, INITIATE.replace("1", "\"ten\"") + "}",
                        "malformed-request", "size must be a whole number"),
                arguments("a fraction for a whole number", initiate, INITIATE.replace("1", "1.5") + "}",
                        "malformed-request", "size"),
                arguments("a number beyond 64 bits", initiate, INITIATE.replace("1", "123456789012345678901234567890")
                        + "}", "malformed-request", "size"),
                arguments("a number of 40 digits", initiate, INITIATE.replace("1", "9".repeat(40)) + "}",
                        "malformed-request", "number longer than 32"),
                arguments("nesting 200 deep", initiate, INITIATE + ",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}",
                        "malformed-request", "nested deeper than 16 levels"),
                arguments("a word for true or false", initiate, INITIATE + ",\"public\":\"maybe\"}",
                        "malformed-request", "public must be true or false"),
                arguments("a storage class that does not exist", initiate, INITIATE + ",\"storage_class\":\"COLD\"}",
                        "validation-failed", "storage_class"),
                arguments("a string where an object is expected", initiate, "\"just a string\"",
                        "malformed-request", "request body must be an object"),
                arguments("an array where an object is expected", initiate, "[" + INITIATE + "}]",
                        "malformed-request", "request body must be an object"),
                arguments("an object where a string is expected", initiate,
                        INITIATE.replace("\"a.bin\"", "{\"a\":1}") + "}", "malformed-request", "filename must be a string"),
                arguments("trailing garbage", initiate, INITIATE + "} garbage", "malformed-request", "JSON"),
                arguments("a second JSON value", initiate, INITIATE + "}{\"size\":2}", "malformed-request",
                        "more after its JSON value"),
                arguments("a truncated body", initiate, "{\"filename\":", "malformed-request", "ends before"),
                arguments("a duplicate field", initiate, INITIATE + ",\"size\":2}", "malformed-request", "size"),
                arguments("a word for a part number in a list", complete,
                        "{\"parts\":[{\"part_number\":\"x\",\"etag\":\"e\"}]}", "malformed-request",
                        "parts[0].part_number must be a whole number"),
                arguments("an object where a list is expected", complete, "{\"parts\":{}}", "malformed-request",
                        "parts must be an array"),
                arguments("a word for a part number in the path",
                        "POST /v1/uploads/9b2f4c1e-0000-4000-8000-000000000000/parts/one", "{\"etag\":\"e\"}",
                        "malformed-request", "part_number must be a whole number"),
                arguments("a word for a page", "GET /v1/users/alice/files?page=abc", null, "malformed-request",
                        "page must be a whole number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputThatDoesNotFit")
    void detailsSayWhatIsWrongWithoutNamingJavaTypes(String name, String requestLine, String body, String code,
                                                     String mentions) {
        Stored before = stored();
        String[] parts = requestLine.split(" ", 2);
        Api.Response response = body == null ? api.get(parts[1], alice)
                : api.send(parts[0], parts[1], Map.of("Authorization", "Bearer " + alice,
                "Content-Type", "application/json"), java.net.http.HttpRequest.BodyPublishers.ofString(body));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.isProblem()).as(response.contentType()).isTrue();
        String detail = response.json().get("detail").asText();
        assertThat(response.json().get("code").asText()).as(detail).isEqualTo(code);
        assertThat(detail).contains(mentions);
        assertNoInternals(detail);
        assertNothingStoredSince(before);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static JsonNode assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("content-type")).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asText()).isEqualTo("urn:depot:problem:" + code);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(problem.get("code").asText()).isEqualTo(code);
        return problem;
    }

    private static void assertNoInternals(String detail) {
        assertThat(detail).doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Z]")
                .doesNotContain("java.", "com.fasterxml", "io.depot", "io.netty", "reactor.", "StreamReadConstraints",
                        "StreamReadFeature", "JsonToken", "`");
    }

    /** Everything one connection received, and whether the server closed it. */
    private record Exchange(byte[] received, boolean closed) {

        String text() {
            return new String(received, StandardCharsets.ISO_8859_1);
        }

        List<Response> responses() {
            List<Response> responses = complete(received);
            int parsed = responses.stream().mapToInt(Response::length).sum();
            if (parsed < received.length) {
                throw new AssertionError("incomplete response: " + text().substring(parsed));
            }
            return responses;
        }

        /** The whole responses at the start of what was received. */
        static List<Response> complete(byte[] received) {
            String text = new String(received, StandardCharsets.ISO_8859_1);
            List<Response> responses = new ArrayList<>();
            int at = 0;
            while (at < received.length) {
                int end = text.indexOf("\r\n\r\n", at);
                if (end < 0) {
                    break;
                }
                String[] lines = text.substring(at, end).split("\r\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                int bodyStart = end + 4;
                if (bodyStart + length > received.length) {
                    break;
                }
                String body = new String(received, bodyStart, length, StandardCharsets.UTF_8);
                responses.add(new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body,
                        bodyStart + length - at));
                at = bodyStart + length;
            }
            return responses;
        }
    }

    private record Response(int status, Map<String, String> headers, String body, int length) {

        String header(String name) {
            return headers.get(name);
        }

        JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + this, e);
            }
        }
    }

    /** Writes the bytes on a new connection and reads until the server closes it or is quiet for five seconds. */
    private Exchange send(String request) {
        return send(request, Integer.MAX_VALUE);
    }

    /** As {@link #send(String)}, but stops reading once {@code responses} whole responses came back. */
    private Exchange send(String request, int responses) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            } catch (java.net.SocketException refusedEarly) {
                // The server answered and closed before reading everything: its answer is still there to read.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                    if (Exchange.complete(received.toByteArray()).size() >= responses) {
                        return new Exchange(received.toByteArray(), false);
                    }
                }
                return new Exchange(received.toByteArray(), true);
            } catch (SocketTimeoutException quiet) {
                return new Exchange(received.toByteArray(), false);
            } catch (java.net.SocketException reset) {
                // The server closed with unread request bytes still on the wire: a close all the same.
                return new Exchange(received.toByteArray(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
