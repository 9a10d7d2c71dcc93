package io.depot.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How Depot checks tokens ({@code depot.security.*}). Keys come from
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} (fetched again every {@code jwk-set-refresh}, and
 * when a token names a key the fetched set lacks, at most once every {@code jwk-set-min-refetch}, so an identity
 * provider can rotate keys without a restart) or from a launcher's own key.
 *
 * @param issuer        the only accepted {@code iss}; required with a JWK set URI
 * @param audience      a value {@code aud} must contain
 * @param clockSkew     how far {@code exp} and {@code nbf} may be off
 * @param algorithms    the accepted signature algorithms; {@code none} and HMAC are never accepted
 * @param rolesClaim    the claim that lists a user's roles ({@code user}, {@code auditor}, {@code admin})
 * @param corsOrigins   browser origins allowed to call the API; none by default
 * @param jwkSetRefresh how long a fetched JWK set is used before it is fetched again: a key the identity provider
 *                      removes is accepted for at most this long after its removal, with or without the token cache
 * @param jwkSetMinRefetch the least time between the fetches a token naming a key the set lacks makes: tokens with
 *                      made-up key ids make at most one fetch of the set per this interval, whatever their number, and
 *                      a key the provider signs with before it publishes it is refused for at most this long
 * @param tokenCache    tokens whose signature was verified, kept so that a repeated token is not verified again
 */
@ConfigurationProperties("depot.security")
public record SecurityProperties(
        String issuer,
        @DefaultValue("depot") String audience,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue({"RS256", "ES256"}) List<String> algorithms,
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("") List<String> corsOrigins,
        @DefaultValue("5m") Duration jwkSetRefresh,
        @DefaultValue("10s") Duration jwkSetMinRefetch,
        @DefaultValue TokenCache tokenCache) {

    @ConstructorBinding
    public SecurityProperties {
        corsOrigins = corsOrigins.stream().filter(o -> !o.isBlank()).toList();
        if (jwkSetRefresh == null || jwkSetRefresh.isNegative() || jwkSetRefresh.isZero()) {
            throw new IllegalArgumentException("depot.security.jwk-set-refresh must be positive");
        }
        if (jwkSetMinRefetch == null || jwkSetMinRefetch.isNegative()) {
            throw new IllegalArgumentException("depot.security.jwk-set-min-refetch must not be negative");
        }
    }

    /** The settings that do not concern an identity provider's keys, with the defaults for the rest. */
    public SecurityProperties(String issuer, String audience, Duration clockSkew, List<String> algorithms,
                              String rolesClaim, List<String> corsOrigins) {
        this(issuer, audience, clockSkew, algorithms, rolesClaim, corsOrigins, Duration.ofMinutes(5),
                Duration.ofSeconds(10), new TokenCache(true, 10_000, Duration.ofMinutes(10)));
    }

    /**
     * Verified tokens ({@code depot.security.token-cache.*}), keyed by the SHA-256 of the token. A token is kept until
     * its {@code exp} at the latest, its claims are checked again (expiry, not-before, issuer, audience, subject) each
     * time it is used, and it is used only while the keys it was verified with are in the JWK set as last fetched.
     * Tokens that fail any check are never kept.
     *
     * @param enabled    off: every request verifies its token's signature
     * @param maxEntries how many tokens are kept; beyond it the least used are dropped
     * @param maxTtl     how long a token is kept at most, even when its {@code exp} is later
     */
    public record TokenCache(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10000") int maxEntries,
            @DefaultValue("10m") Duration maxTtl) {

        public TokenCache {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("depot.security.token-cache.max-entries must not be negative");
            }
            if (maxTtl == null || maxTtl.isNegative()) {
                throw new IllegalArgumentException("depot.security.token-cache.max-ttl must not be negative");
            }
        }
    }
}
