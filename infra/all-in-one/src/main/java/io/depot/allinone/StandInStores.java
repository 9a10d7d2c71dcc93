package io.depot.allinone;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import io.depot.platform.security.SecurityProperties;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The stores of a distributed Depot on one machine without containers, as a process of their own: the
 * MongoDB-compatible server (mongo-java-server on an H2 file, one command at a time, so that the services' token
 * claims stay atomic) and the S3-compatible object store (S3Proxy on the filesystem) that the all-in-one launcher
 * embeds. They stand in for MongoDB and S3 where neither can run; PostgreSQL and Redis are the real servers. Every
 * write is on disk before it is answered, so they survive a SIGKILL as the services do.
 *
 * <p>With {@code --idp-port}, also a stand-in identity provider for trying the topology out: the JWK set of an RSA
 * key kept in the data directory at {@code GET /jwks.json} (the services' {@code jwk-set-uri}), and RS256 tokens
 * for any user id, issued by {@value #ISSUER}, at {@code POST /tokens} {@code {"user_id", "roles"?}}. It listens
 * on loopback only.
 *
 * <pre>java -Dloader.main=io.depot.allinone.StandInStores -jar infra/all-in-one/target/depot.jar \
 *     --data-dir=depot-stores --mongo-port=27017 --s3-port=9000 --s3-access-key=depot --s3-secret-key=SECRET \
 *     --idp-port=9100</pre>
 *
 * Prints one line, {@code stores ready mongodb=<uri> s3=<endpoint> jwks=<uri>}, once all answer, and runs until
 * stopped.
 */
public final class StandInStores {

    /** The {@code iss} of the stand-in identity provider's tokens: the services' {@code depot.security.issuer}. */
    public static final String ISSUER = "depot-stand-in";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StandInStores() {
    }

    public static void main(String[] args) throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        for (String quiet : new String[] {"org.gaul", "org.jclouds", "org.eclipse.jetty", "de.bwaldvogel", "io.netty"}) {
            ((Logger) LoggerFactory.getLogger(quiet)).setLevel(Level.WARN);
        }
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        var properties = new EmbeddedProperties(
                Path.of(options.getOrDefault("data-dir", "depot-stores")).toAbsolutePath(),
                Integer.parseInt(options.getOrDefault("s3-port", "9000")),
                options.getOrDefault("s3-access-key", "depot"),
                options.getOrDefault("s3-secret-key", "depot-embedded-secret"),
                Integer.parseInt(options.getOrDefault("mongo-port", "27017")),
                false);
        options.keySet().stream()
                .filter(name -> !name.matches("data-dir|s3-port|s3-access-key|s3-secret-key|mongo-port|idp-port"))
                .findFirst().ifPresent(name -> {
                    throw new IllegalArgumentException("unknown option --" + name);
                });
        EmbeddedStores.EmbeddedObjectStore s3 = EmbeddedStores.startObjectStore(properties);
        MongoServer mongo = EmbeddedStores.startMongo(properties, true);
        HttpServer idp = options.containsKey("idp-port")
                ? identityProvider(properties.dataDir(), Integer.parseInt(options.get("idp-port"))) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (idp != null) {
                idp.stop(0);
            }
            mongo.shutdownNow();
            try {
                s3.stop();
            } catch (Exception e) {
                // stopping anyway
            }
            stopped.countDown();
        }, "stores-stop"));
        System.out.println("stores ready mongodb=mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort()
                + "/depot s3=" + s3.endpoint()
                + (idp == null ? "" : " jwks=http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json"));
        System.out.flush();
        stopped.await();
    }

    private static HttpServer identityProvider(Path dataDir, int port) throws IOException {
        var keys = DevTokens.loadOrCreate(dataDir.resolve("stand-in-jwt"));
        var security = new SecurityProperties(ISSUER, "depot", Duration.ofSeconds(30), List.of("RS256"), "roles", List.of());
        var issuer = new DevTokens.DevTokenIssuer(keys, ISSUER, Clock.systemUTC(), security);
        String jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic())
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build()).toString();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/jwks.json", exchange -> respond(exchange, 200, jwks));
        server.createContext("/tokens", exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"error\":\"POST a JSON body with user_id and roles\"}");
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in.readNBytes(4096));
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.isObject()) {
                respond(exchange, 400, "{\"error\":\"expected a JSON object\"}");
                return;
            }
            String user = body.path("user_id").asText("");
            List<String> roles = new ArrayList<>();
            body.path("roles").forEach(role -> roles.add(role.asText()));
            if (!user.matches("[A-Za-z0-9._@-]{1,128}") || !roles.stream().allMatch(r -> r.matches("user|auditor|admin"))) {
                respond(exchange, 400, "{\"error\":\"user_id: letters, digits and . _ @ -; roles: user, auditor, admin\"}");
                return;
            }
            respond(exchange, 200, JSON.writeValueAsString(Map.of("access_token", issuer.issue(user, roles),
                    "token_type", "Bearer", "expires_in", DevTokens.LIFETIME.toSeconds())));
        });
        server.start();
        return server;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
