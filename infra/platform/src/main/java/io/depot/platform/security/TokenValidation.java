package io.depot.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/** The checks every token passes, whoever signed it: one place, so every decoder applies the same ones. */
public final class TokenValidation {

    private TokenValidation() {
    }

    /**
     * Expiry and not-before within {@code clockSkew}, an expiry present, the issuer, the audience, and a subject.
     */
    public static OAuth2TokenValidator<Jwt> validator(SecurityProperties properties, String issuer) {
        return new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(properties.clockSkew()),
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, exp -> exp != null),
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                        aud -> aud != null && aud.contains(properties.audience())),
                new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank()
                        && sub.length() <= 128)));
    }

    /** A decoder for keys published at a JWK set URI, accepting only the configured algorithms. */
    public static ReactiveJwtDecoder jwkSetDecoder(String jwkSetUri, SecurityProperties properties) {
        requireIssuer(properties);
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri)
                .jwsAlgorithms(algorithms -> properties.algorithms().forEach(a -> algorithms.add(algorithm(a))))
                .build();
        decoder.setJwtValidator(validator(properties, properties.issuer()));
        return decoder;
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

    /** A decoder for tokens signed with one RSA key, such as the all-in-one launcher's own. */
    public static ReactiveJwtDecoder publicKeyDecoder(RSAPublicKey key, String issuer, SecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(key)
                .signatureAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(validator(properties, issuer));
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
