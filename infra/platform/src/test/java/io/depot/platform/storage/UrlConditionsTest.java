package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a client may ask of a download URL, checked as text before anything is signed. */
class UrlConditionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.0/24", "192.0.2.10/32", "0.0.0.0/0", "2001:db8::/32", "::1/128",
            "2001:0db8:0000:0000:0000:ff00:0042:8329/64", "::ffff:192.0.2.1/128"})
    void acceptsIpv4AndIpv6RangesInCidrForm(String range) {
        assertThat(UrlConditions.parse(range, null)).isEqualTo(new UrlConditions(range, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.0", "192.0.2.0/33", "256.0.2.0/24", "192.0.2/24", "192.0.2.0/-1", "2001:db8::/129",
            "2001:db8:::1/64", "2001:db8::g/64", "example.com/24", "localhost/8", "fe80::1%eth0/64", "1.2.3.4/24/8",
            "/24", "192.0.2.0/", "\"}],\"x\":{\"/24", ".:/24"})
    void refusesAnythingElseAsARange(String range) {
        assertRefused(() -> UrlConditions.parse(range, null), "ip_range", "CIDR");
    }

    @Test
    void readsAStartTimeAsAnIso8601Instant() {
        assertThat(UrlConditions.parse(null, "2030-01-31T09:00:00Z").notBefore())
                .isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(UrlConditions.parse(" ", "2030-01-31T10:00:00+01:00").notBefore())
                .isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomorrow", "2030-01-31", "2030-01-31T09:00:00", "1900000000"})
    void refusesAStartTimeThatIsNotAnInstant(String notBefore) {
        assertRefused(() -> UrlConditions.parse(null, notBefore), "not_before", "ISO-8601");
    }

    @Test
    void nothingAskedIsNone() {
        assertThat(UrlConditions.parse(null, null)).isSameAs(UrlConditions.NONE);
        assertThat(UrlConditions.parse("", "")).isSameAs(UrlConditions.NONE);
        assertThat(UrlConditions.NONE.any()).isFalse();
    }

    private static void assertRefused(ThrowingCallable parse, String... detail) {
        assertThatThrownBy(parse).isInstanceOfSatisfying(DepotException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
            assertThat(e.getMessage()).contains(detail);
        });
    }
}
