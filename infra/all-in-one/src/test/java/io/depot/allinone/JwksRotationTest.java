package io.depot.allinone;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Depot behind an identity provider that publishes its keys as a JWK set: tokens are checked against the set the
 * provider serves now, so a rotated key is accepted, and a retired one refused, without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwksRotationTest {

    private static final String ISSUER = "https://idp.depot.test";
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer idp;
    private ConfigurableApplicationContext app;
    private Api api;
    private RSAKey first;
    private RSAKey second;
    private ECKey ec;

    @BeforeAll
    void start() throws Exception {
        first = new RSAKeyGenerator(2048).keyID("k1").generate();
        second = new RSAKeyGenerator(2048).keyID("k2").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
        published.set(new JWKSet(List.<JWK>of(first.toPublicJWK())));
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        app = new SpringApplicationBuilder(DepotApplication.class).run("--server.port=0", "--server.shutdown=immediate",
                "--depot.embedded.data-dir=" + Files.createTempDirectory("depot-jwks-"),
                "--depot.embedded.mongo-in-memory=true",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json",
                "--depot.security.issuer=" + ISSUER, "--depot.security.jwk-set-min-refetch=1s");
        api = new Api(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    @Test
    void aRotatedKeyIsAcceptedAndARetiredOneRefusedWithoutARestart() throws Exception {
        published.set(new JWKSet(List.<JWK>of(first.toPublicJWK())));
        assertThat(status(sign(first, JWSAlgorithm.RS256, claims().build()))).isEqualTo(200);

        published.set(new JWKSet(List.<JWK>of(second.toPublicJWK(), ec.toPublicJWK())));
        int fetchesBefore = fetches.get();
        // Refused until a second has passed since the last fetch (jwk-set-min-refetch), then fetched once.
        String rotated = sign(second, JWSAlgorithm.RS256, claims().build());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> status(rotated) == 200);
        assertThat(fetches.get()).as("the set was fetched again once for the unknown key").isEqualTo(fetchesBefore + 1);
        assertThat(status(sign(ec, JWSAlgorithm.ES256, claims().build()))).isEqualTo(200);
        assertThat(status(sign(first, JWSAlgorithm.RS256, claims().build()))).isEqualTo(401);
    }

    @Test
    void tokensFromTheProviderStillNeedTheRightIssuerAndAudience() throws Exception {
        published.set(new JWKSet(List.<JWK>of(second.toPublicJWK(), ec.toPublicJWK())));
        assertThat(status(sign(second, JWSAlgorithm.RS256, claims().issuer("https://other.test").build()))).isEqualTo(401);
        assertThat(status(sign(second, JWSAlgorithm.RS256, claims().audience("another-api").build()))).isEqualTo(401);
        assertThat(status(sign(second, JWSAlgorithm.RS256, claims()
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build()))).isEqualTo(401);
        assertThat(api.post("/v1/dev/tokens", null, java.util.Map.of("user_id", "x")).status())
                .as("no development tokens beside a real identity provider").isIn(401, 404);
    }

    private int status(String token) {
        return api.get("/v1/users/ida/files", token).status();
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject("ida").issuer(ISSUER).audience("depot")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws JOSEException {
        JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
