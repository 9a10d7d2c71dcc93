package io.depot.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.core.io.Resource;
import org.springframework.web.reactive.function.client.WebClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The checks every token passes, whoever signed it: one place, so every decoder applies the same ones. */
public final class TokenValidation {

    private TokenValidation() {
    }

    /**
     * Expiry and not-before within {@code clockSkew}, an expiry present, the issuer, the audience, and a subject.
     */
    public static OAuth2TokenValidator<Jwt> validator(SecurityProperties properties, String issuer) {
        return validator(properties, issuer, Clock.systemUTC());
    }

    static OAuth2TokenValidator<Jwt> validator(SecurityProperties properties, String issuer, Clock clock) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(List.of(
                timestamps,
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                        aud -> aud != null && aud.contains(properties.audience())),
                new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank()
                        && sub.length() <= 128)));
    }

    /**
     * A decoder for keys published at a JWK set URI, accepting only the configured algorithms, with the set fetched
     * again every {@code depot.security.jwk-set-refresh} and the token cache ({@link VerifiedTokens}) unless it is off.
     */
    public static ReactiveJwtDecoder jwkSetDecoder(String jwkSetUri, SecurityProperties properties) {
        requireIssuer(properties);
        Clock clock = Clock.systemUTC();
        Set<JWSAlgorithm> algorithms = properties.algorithms().stream()
                .map(a -> JWSAlgorithm.parse(algorithm(a).getName())).collect(Collectors.toSet());
        JwkSetKeys keys = new JwkSetKeys(jwkSetUri, algorithms, properties.jwkSetRefresh(),
                properties.jwkSetMinRefetch(), WebClient.create(), clock);
        OAuth2TokenValidator<Jwt> validator = validator(properties, properties.issuer(), clock);
        return cached(jwkSetVerifier(keys, validator), validator, keys, properties, clock);
    }

    /** Verifies every token it is given with the keys of {@code keys}. */
    static ReactiveJwtDecoder jwkSetVerifier(JwkSetKeys keys, OAuth2TokenValidator<Jwt> validator) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource(keys::keysFor)
                .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                        new JWSVerificationKeySelector<>(keys.algorithms(), new JWKSecurityContextJWKSet())))
                .build();
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /**
     * {@code verifier} behind the token cache, or alone when {@code depot.security.token-cache} is off.
     *
     * @param keys the JWK set {@code verifier} takes its keys from; null for a single key of its own
     */
    static ReactiveJwtDecoder cached(ReactiveJwtDecoder verifier, OAuth2TokenValidator<Jwt> validator, JwkSetKeys keys,
                                     SecurityProperties properties, Clock clock) {
        SecurityProperties.TokenCache cache = properties.tokenCache();
        if (!cache.enabled() || cache.maxEntries() == 0 || cache.maxTtl().isZero()) {
            return verifier;
        }
        return new VerifiedTokens(verifier, validator, keys, cache, clock);
    }

    /** A decoder for tokens signed with the RSA key in a PEM file ({@code -----BEGIN PUBLIC KEY-----}). */
    public static ReactiveJwtDecoder pemDecoder(Resource pem, SecurityProperties properties) throws IOException {
        requireIssuer(properties);
        String text = new String(pem.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
            return publicKeyDecoder(key, properties.issuer(), properties);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA public key: " + pem, e);
        }
    }

    private static void requireIssuer(SecurityProperties properties) {
        if (properties.issuer() == null || properties.issuer().isBlank()) {
            throw new IllegalStateException("depot.security.issuer must be set with an identity provider's keys");
        }
    }

    /**
     * A decoder for tokens signed with one RSA key, such as the all-in-one launcher's own, with the token cache
     * unless it is off (the key never leaves).
     */
    public static ReactiveJwtDecoder publicKeyDecoder(RSAPublicKey key, String issuer, SecurityProperties properties) {
        Clock clock = Clock.systemUTC();
        OAuth2TokenValidator<Jwt> validator = validator(properties, issuer, clock);
        return cached(publicKeyVerifier(key, validator), validator, null, properties, clock);
    }

    /** Verifies every token it is given with {@code key}. */
    static ReactiveJwtDecoder publicKeyVerifier(RSAPublicKey key, OAuth2TokenValidator<Jwt> validator) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key)
                .signatureAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(validator);
        return decoder;
    }

    private static SignatureAlgorithm algorithm(String name) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.from(name);
        if (algorithm == null || JWSAlgorithm.Family.HMAC_SHA.contains(JWSAlgorithm.parse(name))) {
            throw new IllegalStateException("depot.security.algorithms: " + name + " is not an asymmetric JWS algorithm");
        }
        return algorithm;
    }
}
