package io.depot.platform.processing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Whether a malware scanner is configured ({@code depot.scan.enabled}). When it is, a new version becomes
 * downloadable only after a clean scan, and a version without a verdict reads {@code scan: pending}; when it is not
 * (the all-in-one default), versions become downloadable once verified and read {@code scan: not_configured}. Every
 * service of a deployment must agree on it.
 */
@ConfigurationProperties("depot.scan")
public record ScanRequirement(@DefaultValue("false") boolean enabled) {
}
