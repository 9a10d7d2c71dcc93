package io.depot.allinone;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.depot.platform.security.SecurityProperties;
import io.depot.platform.security.TokenValidation;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Tokens for trying Depot out: when no identity provider is configured, the all-in-one launcher keeps an
 * RSA key pair in its data directory, accepts RS256 tokens signed with it, and issues them to callers on
 * loopback through {@code POST /v1/dev/tokens}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevTokens.NoIdentityProvider.class)
@EnableConfigurationProperties(EmbeddedProperties.class)
class DevTokens {

    static final String ISSUER = "depot-all-in-one";
    static final Duration LIFETIME = Duration.ofHours(1);

    @Bean
    DevTokenIssuer devTokenIssuer(EmbeddedProperties properties, Clock clock, SecurityProperties security) {
        return new DevTokenIssuer(loadOrCreate(properties.dataDir().resolve("dev-jwt")), ISSUER, clock, security);
    }

    @Bean
    ReactiveJwtDecoder devJwtDecoder(DevTokenIssuer issuer, SecurityProperties security) {
        return TokenValidation.publicKeyDecoder(issuer.publicKey(), ISSUER, security);
    }

    static KeyPair loadOrCreate(Path dir) {
        try {
            Path privateFile = dir.resolve("private.der");
            Path publicFile = dir.resolve("public.der");
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (Files.exists(privateFile) && Files.exists(publicFile)) {
                return new KeyPair(rsa.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
                        rsa.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile))));
            }
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.write(publicFile, pair.getPublic().getEncoded());
            Files.write(privateFile, pair.getPrivate().getEncoded());
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs development tokens. */
    static class DevTokenIssuer {

        private final KeyPair keys;
        private final String issuer;
        private final Clock clock;
        private final SecurityProperties security;

        DevTokenIssuer(KeyPair keys, String issuer, Clock clock, SecurityProperties security) {
            this.keys = keys;
            this.issuer = issuer;
            this.clock = clock;
            this.security = security;
        }

        RSAPublicKey publicKey() {
            return (RSAPublicKey) keys.getPublic();
        }

        String issue(String userId, List<String> roles) {
            Date now = Date.from(clock.instant());
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .subject(userId)
                    .issuer(issuer)
                    .issueTime(now)
                    .notBeforeTime(now)
                    .expirationTime(Date.from(clock.instant().plus(LIFETIME)))
                    .jwtID(UUID.randomUUID().toString())
                    .audience(security.audience())
                    .claim(security.rolesClaim(), roles)
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            try {
                jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return jwt.serialize();
        }
    }

    /** True when no JWT source is configured for the resource server. */
    static class NoIdentityProvider implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var env = context.getEnvironment();
            String prefix = "spring.security.oauth2.resourceserver.jwt.";
            return !env.containsProperty(prefix + "jwk-set-uri")
                    && !env.containsProperty(prefix + "issuer-uri")
                    && !env.containsProperty(prefix + "public-key-location");
        }
    }
}
