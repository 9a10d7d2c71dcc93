package io.depot.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How Depot checks tokens ({@code depot.security.*}). Keys come from
 * {@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri} (refetched when a token names a key the cached
 * set lacks, so an identity provider can rotate keys without a restart) or from a launcher's own key.
 *
 * @param issuer     the only accepted {@code iss}; required with a JWK set URI
 * @param audience   a value {@code aud} must contain
 * @param clockSkew  how far {@code exp} and {@code nbf} may be off
 * @param algorithms the accepted signature algorithms; {@code none} and HMAC are never accepted
 * @param rolesClaim  the claim that lists a user's roles ({@code user}, {@code auditor}, {@code admin})
 * @param corsOrigins browser origins allowed to call the API; none by default
 */
@ConfigurationProperties("depot.security")
public record SecurityProperties(
        String issuer,
        @DefaultValue("depot") String audience,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue({"RS256", "ES256"}) List<String> algorithms,
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("") List<String> corsOrigins) {

    public SecurityProperties {
        corsOrigins = corsOrigins.stream().filter(o -> !o.isBlank()).toList();
    }
}
