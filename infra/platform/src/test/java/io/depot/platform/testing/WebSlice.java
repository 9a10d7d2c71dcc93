package io.depot.platform.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.depot.platform.security.SecurityAutoConfiguration;
import io.depot.platform.security.SecurityProperties;
import io.depot.platform.security.TokenValidation;
import io.depot.platform.web.WebAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * What a {@code @WebFluxTest} of a Depot controller adds to Spring's slice: Depot's security (bearer tokens, roles
 * per path, refusals as problems) and its problem responses, with tokens signed by a key of this JVM's own and checked
 * by Depot's own decoder ({@link TokenValidation}).
 */
@TestConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({WebAutoConfiguration.class, SecurityAutoConfiguration.class})
public class WebSlice {

    private static final String ISSUER = "depot-slice-test";
    private static final KeyPair KEYS = rsaKeys();
    private static final SecurityProperties SECURITY =
            new SecurityProperties(ISSUER, "depot", Duration.ofSeconds(30), List.of("RS256"), "roles", List.of());

    @Bean
    ReactiveJwtDecoder sliceJwtDecoder() {
        return TokenValidation.publicKeyDecoder((RSAPublicKey) KEYS.getPublic(), ISSUER, SECURITY);
    }

    @Bean
    MeterRegistry sliceMeterRegistry() {
        return new SimpleMeterRegistry();
    }

    /** A bearer token for {@code userId} with {@code roles}, valid for a minute. */
    public static String token(String userId, String... roles) {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .subject(userId).issuer(ISSUER).audience(SECURITY.audience())
                .claim(SECURITY.rolesClaim(), List.of(roles))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60))).build());
        try {
            jwt.sign(new RSASSASigner(KEYS.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
