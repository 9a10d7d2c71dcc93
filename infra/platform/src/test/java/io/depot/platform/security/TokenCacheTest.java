package io.depot.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cache of verified tokens in front of Depot's real decoders: signatures verified once, while every check that
 * depends on the moment or on the identity provider's keys still holds for a kept token. Keys are served by a real
 * JWK set endpoint on loopback; each test's clock moves only when the test moves it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenCacheTest {

    private static final String ISSUER = "https://idp.depot.test";
    private static final Duration REFRESH = Duration.ofMinutes(5);
    private static final Duration MIN_REFETCH = Duration.ofSeconds(10);

    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger jwksStatus = new AtomicInteger(200);
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger verifications = new AtomicInteger();
    private HttpServer idp;
    private RSAKey first;
    private RSAKey second;
    private MovableClock clock;

    @BeforeAll
    void keys() throws JOSEException {
        first = new RSAKeyGenerator(2048).keyID("k1").generate();
        second = new RSAKeyGenerator(2048).keyID("k2").generate();
    }

    @BeforeEach
    void startIdentityProvider() throws Exception {
        clock = new MovableClock(Instant.parse("2026-11-30T09:00:00Z"));
        verifications.set(0);
        fetches.set(0);
        jwksStatus.set(200);
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (jwksStatus.get() != 200) {
                exchange.sendResponseHeaders(jwksStatus.get(), -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        idp.start();
    }

    @AfterEach
    void stopIdentityProvider() {
        idp.stop(0);
    }

    @Test
    void aTokenSeenAgainIsNotVerifiedAgain() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(cache(100)));
        String token = sign(first, claims("ida").build());

        for (int i = 0; i < 3; i++) {
            assertThat(decoder.decode(token).block().getSubject()).isEqualTo("ida");
        }
        clock.move(REFRESH.plusSeconds(1));
        assertThat(decoder.decode(token).block().getSubject()).isEqualTo("ida");

        assertThat(verifications).as("one verification for four uses").hasValue(1);
        assertThat(fetches).as("the set fetched again still holds the key").hasValue(2);
    }

    @Test
    void withTheCacheOffEveryUseIsVerified() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(new SecurityProperties.TokenCache(false, 100,
                Duration.ofMinutes(10))));
        String token = sign(first, claims("ida").build());

        for (int i = 0; i < 3; i++) {
            assertThat(decoder.decode(token).block().getSubject()).isEqualTo("ida");
        }

        assertThat(verifications).hasValue(3);
    }

    @Test
    void aTokenOfTheSingleKeyIsKeptToo() throws Exception {
        SecurityProperties settings = settings(cache(100));
        OAuth2TokenValidator<Jwt> validator = TokenValidation.validator(settings, ISSUER, clock);
        ReactiveJwtDecoder decoder = TokenValidation.cached(
                counted(TokenValidation.publicKeyVerifier(first.toRSAPublicKey(), validator)), validator, null,
                settings, clock);
        String token = sign(first, claims("ida").build());

        decoder.decode(token).block();
        clock.move(Duration.ofSeconds(30));
        decoder.decode(token).block();

        assertThat(verifications).hasValue(1);
    }

    @Test
    void aKeptTokenPastItsExpiryIsRefusedAsAnUnkeptOneIs() throws Exception {
        publish(first);
        SecurityProperties settings = new SecurityProperties(ISSUER, "depot", Duration.ZERO, List.of("RS256"),
                "roles", List.of(), REFRESH, MIN_REFETCH, cache(100));
        ReactiveJwtDecoder cached = jwkSetDecoder(settings);
        ReactiveJwtDecoder uncached = jwkSetDecoder(new SecurityProperties(ISSUER, "depot", Duration.ZERO,
                List.of("RS256"), "roles", List.of(), REFRESH, MIN_REFETCH,
                new SecurityProperties.TokenCache(false, 0, Duration.ZERO)));
        String token = sign(first, claims("ida").expirationTime(Date.from(clock.instant().plusSeconds(60))).build());
        cached.decode(token).block();

        clock.move(Duration.ofSeconds(59));
        assertThat(cached.decode(token).block().getSubject()).isEqualTo("ida");
        clock.move(Duration.ofSeconds(2));

        assertThatThrownBy(() -> cached.decode(token).block()).isInstanceOf(JwtException.class)
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> uncached.decode(token).block()).isInstanceOf(JwtException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aTokenIsKeptNoLongerThanTheMaximum() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(new SecurityProperties.TokenCache(true, 100,
                Duration.ofMinutes(1))));
        String token = sign(first, claims("ida").build());
        decoder.decode(token).block();

        clock.move(Duration.ofSeconds(59));
        decoder.decode(token).block();
        assertThat(verifications).hasValue(1);
        clock.move(Duration.ofSeconds(2));
        decoder.decode(token).block();

        assertThat(verifications).as("verified again after max-ttl").hasValue(2);
    }

    @Test
    void aKeptTokenWhoseKeyLeftTheJwkSetIsRefusedAfterTheRefresh() throws Exception {
        publish(first, second);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(cache(100)));
        String kept = sign(first, claims("ida").build());
        decoder.decode(kept).block();

        publish(second);
        clock.move(REFRESH.minusSeconds(1));
        assertThat(decoder.decode(kept).block().getSubject()).as("within the refresh interval").isEqualTo("ida");
        assertThat(decoder.decode(sign(first, claims("ida").build())).block().getSubject())
                .as("a token verified afresh has the same bound").isEqualTo("ida");
        int fetchesBefore = fetches.get();
        clock.move(Duration.ofSeconds(1));

        assertThatThrownBy(() -> decoder.decode(kept).block()).isInstanceOf(JwtException.class);
        assertThat(fetches.get()).as("the set was fetched again once due").isGreaterThan(fetchesBefore);
        assertThatThrownBy(() -> decoder.decode(sign(first, claims("ida").build())).block())
                .isInstanceOf(JwtException.class);
        assertThat(decoder.decode(sign(second, claims("ida").build())).block().getSubject()).isEqualTo("ida");
    }

    @Test
    void aKeyReplacedUnderTheSameKeyIdStopsTheTokensOfTheOldOne() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(cache(100)));
        String kept = sign(first, claims("ida").build());
        decoder.decode(kept).block();

        RSAKey replacement = new RSAKeyGenerator(2048).keyID(first.getKeyID()).generate();
        publish(replacement);
        clock.move(REFRESH);

        assertThatThrownBy(() -> decoder.decode(kept).block()).isInstanceOf(JwtException.class);
        assertThat(decoder.decode(sign(replacement, claims("ida").build())).block().getSubject()).isEqualTo("ida");
    }

    @Test
    void tokensNamingUnknownKeysFetchTheSetAtMostOncePerMinimumInterval() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(cache(100)));
        assertThat(decoder.decode(sign(first, claims("ida").build())).block().getSubject()).isEqualTo("ida");
        assertThat(fetches).hasValue(1);

        for (int i = 0; i < 20; i++) {
            RSAKey madeUp = new RSAKeyGenerator(2048).keyID("made-up-" + i).generate();
            assertThatThrownBy(() -> decoder.decode(sign(madeUp, claims("mallory").build())).block())
                    .isInstanceOf(JwtException.class);
        }
        assertThat(fetches).as("no fetch within the minimum interval of the last").hasValue(1);

        clock.move(MIN_REFETCH);
        assertThatThrownBy(() -> decoder.decode(sign(second, claims("ida").build())).block())
                .isInstanceOf(JwtException.class);
        assertThat(fetches).as("one fetch once the interval passed").hasValue(2);

        publish(first, second);
        assertThatThrownBy(() -> decoder.decode(sign(second, claims("ida").build())).block())
                .as("a key published after the last fetch waits for the interval").isInstanceOf(JwtException.class);
        assertThat(fetches).hasValue(2);
        clock.move(MIN_REFETCH);
        assertThat(decoder.decode(sign(second, claims("ida").build())).block().getSubject()).isEqualTo("ida");
        assertThat(fetches).hasValue(3);
        assertThat(decoder.decode(sign(first, claims("ida").build())).block().getSubject()).isEqualTo("ida");
    }

    @Test
    void whileTheProviderCannotBeReachedTheLastSetServesForOneMoreInterval() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(new SecurityProperties.TokenCache(true, 100,
                Duration.ofHours(1))));
        String kept = sign(first, claims("ida").expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1))))
                .build());
        decoder.decode(kept).block();

        jwksStatus.set(503);
        clock.move(REFRESH.plusSeconds(1));
        assertThat(decoder.decode(kept).block().getSubject()).isEqualTo("ida");
        clock.move(REFRESH);

        assertThatThrownBy(() -> decoder.decode(kept).block()).as("the set is twice the interval old")
                .isInstanceOf(IllegalStateException.class);
        jwksStatus.set(200);
        assertThat(decoder.decode(kept).block().getSubject()).isEqualTo("ida");
        assertThat(verifications).hasValue(1);
    }

    @Test
    void aTamperedTokenIsRefusedAndNotKept() throws Exception {
        publish(first);
        ReactiveJwtDecoder decoder = jwkSetDecoder(settings(cache(100)));
        String token = sign(first, claims("ida").build());
        decoder.decode(token).block();
        String[] parts = token.split("\\.");
        String otherUser = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims("eve").build().toString().getBytes(StandardCharsets.UTF_8));
        String forgedClaims = parts[0] + "." + otherUser + "." + parts[2];
        char last = parts[2].charAt(parts[2].length() - 2);
        String forgedSignature = parts[0] + "." + parts[1] + "."
                + parts[2].substring(0, parts[2].length() - 2) + (last == 'A' ? 'B' : 'A')
                + parts[2].charAt(parts[2].length() - 1);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> decoder.decode(forgedClaims).block()).isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(forgedSignature).block()).isInstanceOf(JwtException.class);
        }

        assertThat(verifications).as("every refused token verified each time").hasValue(5);
        assertThat(decoder.decode(token).block().getSubject()).isEqualTo("ida");
        assertThat(verifications).hasValue(5);
    }

    @Test
    void theCacheKeepsNoMoreThanItsMaximum() throws Exception {
        SecurityProperties settings = settings(cache(10));
        OAuth2TokenValidator<Jwt> validator = TokenValidation.validator(settings, ISSUER, clock);
        VerifiedTokens decoder = new VerifiedTokens(
                counted(TokenValidation.publicKeyVerifier(first.toRSAPublicKey(), validator)), validator, null,
                settings.tokenCache(), clock, Runnable::run);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tokens.add(sign(first, claims("user-" + i).build()));
        }

        tokens.forEach(token -> decoder.decode(token).block());
        assertThat(decoder.size()).isLessThanOrEqualTo(10);
        tokens.forEach(token -> decoder.decode(token).block());

        assertThat(verifications.get()).as("at least the 20 tokens that were not kept verified again")
                .isGreaterThanOrEqualTo(50);
        assertThat(decoder.size()).isLessThanOrEqualTo(10);
    }

    private ReactiveJwtDecoder jwkSetDecoder(SecurityProperties settings) {
        JwkSetKeys keys = new JwkSetKeys("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json",
                Set.of(JWSAlgorithm.RS256), settings.jwkSetRefresh(), settings.jwkSetMinRefetch(), WebClient.create(),
                clock);
        OAuth2TokenValidator<Jwt> validator = TokenValidation.validator(settings, ISSUER, clock);
        return TokenValidation.cached(counted(TokenValidation.jwkSetVerifier(keys, validator)), validator, keys,
                settings, clock);
    }

    /** The real verifier, counting the tokens it is given. */
    private ReactiveJwtDecoder counted(ReactiveJwtDecoder verifier) {
        return token -> Mono.defer(() -> {
            verifications.incrementAndGet();
            return verifier.decode(token);
        });
    }

    private static SecurityProperties settings(SecurityProperties.TokenCache cache) {
        return new SecurityProperties(ISSUER, "depot", Duration.ofSeconds(30), List.of("RS256"), "roles", List.of(),
                REFRESH, MIN_REFETCH, cache);
    }

    private static SecurityProperties.TokenCache cache(int entries) {
        return new SecurityProperties.TokenCache(true, entries, Duration.ofMinutes(10));
    }

    private void publish(RSAKey... keys) {
        published.set(new JWKSet(List.<JWK>of(keys).stream().map(JWK::toPublicJWK).toList()));
    }

    private JWTClaimsSet.Builder claims(String subject) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("depot")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900)));
    }

    private static String sign(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** A clock that stands still until it is moved. */
    private static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
