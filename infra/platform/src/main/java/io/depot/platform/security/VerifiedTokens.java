package io.depot.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.jwk.JWK;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A decoder that verifies a token's signature once: a token that passed is kept, keyed by its SHA-256, and is taken
 * from here the next times it is presented instead of being verified again (an RS256 verification is most of what a
 * request costs the service's CPU). Only tokens that passed every check are kept, until their {@code exp} at the
 * latest and {@code maxTtl} at most. A kept token still passes the same claim checks each time it is used, against
 * the clock of that moment, so an expired token is refused as it would be without this cache; and with a JWK set it
 * is used only while every key it was offered to at its verification is still in the set as last fetched
 * ({@link JwkSetKeys}), so a removed key stops its tokens within the same bound as it stops tokens verified afresh.
 * Without a JWK set, the decoder's single key never leaves.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder verifier;
    private final OAuth2TokenValidator<Jwt> validator;
    private final JwkSetKeys keys;
    private final Duration maxTtl;
    private final Clock clock;
    private final Cache<String, Entry> entries;

    private record Entry(Jwt jwt, List<JWK> keys, Instant until) {
    }

    /**
     * @param verifier  verifies a token's signature and applies {@code validator}
     * @param validator the claim checks {@code verifier} applies, applied again to a kept token each time it is used
     * @param keys      the JWK set {@code verifier} takes its keys from; null when it has a single key of its own
     */
    VerifiedTokens(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, JwkSetKeys keys,
                   SecurityProperties.TokenCache settings, Clock clock) {
        this(verifier, validator, keys, settings, clock, null);
    }

    /** With {@code maintenance} (when not null) running the cache's evictions, so that a test sees them at once. */
    VerifiedTokens(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, JwkSetKeys keys,
                   SecurityProperties.TokenCache settings, Clock clock, Executor maintenance) {
        this.verifier = verifier;
        this.validator = validator;
        this.keys = keys;
        this.maxTtl = settings.maxTtl();
        this.clock = clock;
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(settings.maxEntries())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
        if (maintenance != null) {
            builder.executor(maintenance);
        }
        this.entries = builder
                .expireAfter(Expiry.creating((String hash, Entry entry) -> Duration.between(clock.instant(), entry.until())))
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        String hash = sha256(token);
        Entry entry = entries.getIfPresent(hash);
        if (entry == null || !clock.instant().isBefore(entry.until())) {
            return verify(hash, token);
        }
        OAuth2TokenValidatorResult result = validator.validate(entry.jwt());
        if (result.hasErrors()) {
            entries.invalidate(hash);
            return Mono.error(new JwtValidationException(message(result), result.getErrors()));
        }
        if (keys == null) {
            return Mono.just(entry.jwt());
        }
        // Mapped as the verifier maps a failure to fetch its keys, so that both refuse alike.
        return keys.publishes(entry.keys()).onErrorMap(e -> new IllegalStateException("Could not obtain the keys", e))
                .flatMap(published -> {
            if (published) {
                return Mono.just(entry.jwt());
            }
            entries.invalidate(hash);
            return verify(hash, token);
        });
    }

    /** How many tokens are kept now. */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private Mono<Jwt> verify(String hash, String token) {
        List<JWK> offered = new CopyOnWriteArrayList<>();
        return verifier.decode(token)
                .doOnNext(jwt -> keep(hash, jwt, offered))
                .contextWrite(Context.of(JwkSetKeys.OFFERED, offered));
    }

    private void keep(String hash, Jwt jwt, List<JWK> offered) {
        Instant now = clock.instant();
        Instant expiry = jwt.getExpiresAt();
        if (expiry == null || (keys != null && offered.isEmpty())) {
            return;
        }
        Instant until = expiry.isBefore(now.plus(maxTtl)) ? expiry : now.plus(maxTtl);
        if (until.isAfter(now)) {
            entries.put(hash, new Entry(jwt, List.copyOf(offered), until));
        }
    }

    /** The message the decoder gives a token that fails its checks. */
    private static String message(OAuth2TokenValidatorResult result) {
        return "An error occurred while attempting to decode the Jwt: " + result.getErrors().stream()
                .map(OAuth2Error::getDescription).filter(d -> d != null && !d.isBlank()).findFirst()
                .orElse("Unable to validate Jwt");
    }

    private static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
