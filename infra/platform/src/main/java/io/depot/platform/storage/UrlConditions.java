package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * What a download URL asks of its request beyond its expiry: the client's address and the earliest time it works.
 * Only CloudFront signed URLs can carry them (in a custom policy); storage's presigned URLs cannot.
 *
 * @param ipRange   the addresses the URL works from, in CIDR form ({@code 192.0.2.0/24}, {@code 2001:db8::/32}), or
 *                  null for any
 * @param notBefore the instant before which the URL does not work, or null for at once
 */
public record UrlConditions(String ipRange, Instant notBefore) {

    /** No condition: a URL that works from anywhere until it expires. */
    public static final UrlConditions NONE = new UrlConditions(null, null);

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    /**
     * The conditions a client asked for as text, either of them null or blank for none; a range that is not CIDR
     * or an instant that is not ISO-8601 is refused with {@link ErrorCode#VALIDATION_FAILED}.
     */
    public static UrlConditions parse(String ipRange, String notBefore) {
        String range = ipRange == null || ipRange.isBlank() ? null : ipRange.strip();
        if (range != null && !isCidr(range)) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "ip_range must be an IPv4 or IPv6 range in CIDR"
                    + " form, like 192.0.2.0/24 or 2001:db8::/32 (one address: 192.0.2.10/32)");
        }
        Instant start = null;
        if (notBefore != null && !notBefore.isBlank()) {
            try {
                start = Instant.parse(notBefore.strip());
            } catch (DateTimeParseException e) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED,
                        "not_before must be an ISO-8601 instant, like 2030-01-31T09:00:00Z");
            }
        }
        return range == null && start == null ? NONE : new UrlConditions(range, start);
    }

    /** Whether anything is asked beyond an expiry. */
    public boolean any() {
        return ipRange != null || notBefore != null;
    }

    /**
     * Checked as text, never resolved: an address literal only, so nothing here can start a DNS lookup. IPv6 text
     * goes to {@link java.net.InetAddress#getByName} only once it holds a colon and nothing but hex digits, colons
     * and dots, starting with a hex digit or a colon: text the JDK parses as a literal and never looks up.
     */
    private static boolean isCidr(String range) {
        int slash = range.indexOf('/');
        if (slash < 0 || range.indexOf('/', slash + 1) >= 0) {
            return false;
        }
        String address = range.substring(0, slash);
        String prefix = range.substring(slash + 1);
        if (!PREFIX.matcher(prefix).matches()) {
            return false;
        }
        int bits = Integer.parseInt(prefix);
        var v4 = IPV4.matcher(address);
        if (v4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(v4.group(group)) > 255) {
                    return false;
                }
            }
            return bits <= 32;
        }
        if (!address.contains(":") || !IPV6.matcher(address).matches()) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
        return bits <= 128;
    }
}
