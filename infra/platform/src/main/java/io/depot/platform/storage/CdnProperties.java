package io.depot.platform.storage;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.validation.annotation.Validated;

import java.net.URI;

/**
 * Downloads through a CDN ({@code depot.cdn.*}): a CloudFront distribution in front of the bucket, whose download
 * URLs Depot signs with a key of the distribution's trusted key group. Off unless {@code domain} is set; then
 * {@code key-pair-id} and a readable {@code private-key} are required, or the service does not start.
 *
 * @param domain     the distribution's address, scheme and host only, e.g. {@code https://d111111abcdef8.cloudfront.net}
 * @param keyPairId  the id CloudFront gave the public key (in the distribution's trusted key group)
 * @param privateKey the matching RSA private key, a PEM file (PKCS#8 {@code PRIVATE KEY} or PKCS#1
 *                   {@code RSA PRIVATE KEY}); any Spring resource location, e.g. {@code file:/run/secrets/cdn.pem}
 * @param publicUrls whether public files get {@code signed} URLs like every other file, or plain {@code unsigned}
 *                   ones that never expire (the distribution must then serve objects without a signature)
 */
@ConfigurationProperties("depot.cdn")
@Validated
public record CdnProperties(
        URI domain,
        // It goes into every URL as it is: CloudFront's ids are letters and digits.
        @Pattern(regexp = "[A-Za-z0-9]*", message = "must be letters and digits, as CloudFront's key ids are")
        String keyPairId,
        Resource privateKey,
        @DefaultValue("signed") PublicUrls publicUrls) {

    /** How public files' download URLs are made. */
    public enum PublicUrls {
        /** Signed like every other file's, with the expiry the client asked for. */
        SIGNED,
        /** A plain CDN URL, without signature or expiry. */
        UNSIGNED
    }

    /** A domain without its key, or a domain that is not a bare origin, stops the service at start. */
    public CdnProperties {
        if (domain != null && domain.toString().isBlank()) {
            domain = null;
        }
        if (domain != null) {
            if (!("https".equals(domain.getScheme()) || "http".equals(domain.getScheme())) || domain.getHost() == null
                    || !(domain.getRawPath() == null || domain.getRawPath().isEmpty() || domain.getRawPath().equals("/"))
                    || domain.getRawQuery() != null || domain.getRawFragment() != null || domain.getRawUserInfo() != null) {
                throw new IllegalArgumentException("depot.cdn.domain must be a scheme and host only, like "
                        + "https://d111111abcdef8.cloudfront.net, not " + domain);
            }
            if (keyPairId == null || keyPairId.isBlank()) {
                throw new IllegalArgumentException("depot.cdn.key-pair-id is required when depot.cdn.domain is set: "
                        + "the id of the public key in the distribution's trusted key group");
            }
            if (privateKey == null) {
                throw new IllegalArgumentException("depot.cdn.private-key is required when depot.cdn.domain is set: "
                        + "the location of the PEM private key that signs download URLs");
            }
        }
    }

    /** Whether downloads go through the CDN. */
    public boolean enabled() {
        return domain != null;
    }

    /** The distribution's origin, without a trailing slash: object paths are appended to it. */
    String origin() {
        return domain.getScheme() + "://" + domain.getRawAuthority();
    }
}
