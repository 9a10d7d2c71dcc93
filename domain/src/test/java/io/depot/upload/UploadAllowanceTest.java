package io.depot.upload;

import io.depot.error.ErrorCode;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UploadAllowanceTest {

    private static final String OWNER = "alice";
    private static final String ID = UploadAllowance.idOf(OWNER);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant EXPIRES = T0.plus(Duration.ofHours(24));
    /** 100 MiB a day, in KiB. */
    private static final long DAILY = 100L * 1024 * 1024;
    private static final long DAILY_KIB = DAILY / 1024;

    private AggregateTestFixture<UploadAllowance> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(UploadAllowance.class);
    }

    private static ClaimUploadAllowanceCommand claim(String uploadId, long bytes, Instant at) {
        return new ClaimUploadAllowanceCommand(ID, OWNER, uploadId, bytes, 2, DAILY, at, EXPIRES);
    }

    private static UploadAllowanceClaimedEvent claimed(String uploadId, long kib, long left, Instant at, Instant expires) {
        return new UploadAllowanceClaimedEvent(ID, OWNER, uploadId, kib, left, at, expires);
    }

    @Test
    void aFirstClaimTakesAPlaceAndItsBytes() {
        fixture.givenNoPriorActivity()
                .when(claim("u-1", 10 * 1024 * 1024, T0))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(true)
                .expectEvents(claimed("u-1", 10 * 1024, DAILY_KIB - 10 * 1024, T0, EXPIRES));
    }

    @Test
    void claimingTheSameUploadAgainTakesNothingMore() {
        fixture.given(claimed("u-1", 1024, DAILY_KIB - 1024, T0, EXPIRES))
                .when(claim("u-1", 1024 * 1024, T0.plusSeconds(1)))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void aLengthDeclaredLaterClaimsTheRestOfItsBytesWithoutAnotherPlace() {
        // An upload opened without a length (tus's defer-length) took its place and 1 KiB; both places are taken.
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, EXPIRES), claimed("u-2", 1, DAILY_KIB - 2, T0, EXPIRES))
                .when(claim("u-1", 10 * 1024 * 1024, T0))
                .expectResultMessagePayload(true)
                .expectEvents(claimed("u-1", 10 * 1024, DAILY_KIB - 2 - (10 * 1024 - 1), T0, EXPIRES));
    }

    @Test
    void aLengthDeclaredLaterIsRefusedBeyondTheQuotaLeft() {
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, EXPIRES), claimed("u-2", DAILY_KIB - 10, 9, T0, EXPIRES))
                .when(claim("u-1", 20 * 1024, T0))
                .expectNoEvents()
                .expectException(Matchers.predicate(e -> e instanceof UploadAllowanceExceededException x
                        && x.code() == ErrorCode.QUOTA_EXCEEDED));
    }

    @Test
    void cannotOpenMoreUploadsThanTheCap() {
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, EXPIRES), claimed("u-2", 1, DAILY_KIB - 2, T0, EXPIRES))
                .when(claim("u-3", 1, T0.plusSeconds(1)))
                .expectNoEvents()
                .expectException(Matchers.predicate(e -> e instanceof UploadAllowanceExceededException x
                        && x.code() == ErrorCode.TOO_MANY_OPEN_UPLOADS && x.retryAfter().equals(Duration.ofMinutes(1))));
    }

    @Test
    void aReleasedUploadFreesItsPlaceButKeepsItsBytesCounted() {
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, EXPIRES), claimed("u-2", 1, DAILY_KIB - 2, T0, EXPIRES))
                .andGivenCommands(new ReleaseUploadAllowanceCommand(ID, OWNER, "u-1", null, T0))
                .when(claim("u-3", 1024, T0))
                .expectEvents(claimed("u-3", 1, DAILY_KIB - 3, T0, EXPIRES));
    }

    @Test
    void releasingAnUploadWithoutAPlaceChangesNothing() {
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, EXPIRES))
                .when(new ReleaseUploadAllowanceCommand(ID, OWNER, "u-9", null, T0))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aClaimPastItsSessionsExpiryStopsCounting() {
        Instant early = T0.plusSeconds(60);
        fixture.given(claimed("u-1", 1, DAILY_KIB - 1, T0, early), claimed("u-2", 1, DAILY_KIB - 2, T0, EXPIRES))
                .when(claim("u-3", 1024, early))
                .expectSuccessfulHandlerExecution()
                // A minute's refill filled the bucket again.
                .expectEvents(claimed("u-3", 1, DAILY_KIB - 1, early, EXPIRES));
    }

    @Test
    void cannotDeclareMoreBytesThanAreLeftToday() {
        fixture.given(claimed("u-1", DAILY_KIB - 10, 10, T0, EXPIRES))
                .when(claim("u-2", 20 * 1024, T0))
                .expectNoEvents()
                .expectException(Matchers.predicate(e -> e instanceof UploadAllowanceExceededException x
                        && x.code() == ErrorCode.QUOTA_EXCEEDED && x.remaining() == 10
                        // The 10 KiB missing refill in 10 / 102,400 of a day: 8.4 s.
                        && x.retryAfter().toMillis() == 8438));
    }

    @Test
    void theQuotaRefillsOverTheDay() {
        Instant halfADayLater = T0.plus(Duration.ofHours(12));
        fixture.given(claimed("u-1", DAILY_KIB, 0, T0, EXPIRES))
                .andGivenCommands(new ReleaseUploadAllowanceCommand(ID, OWNER, "u-1", null, T0))
                .when(claim("u-2", DAILY / 2, halfADayLater))
                .expectEvents(claimed("u-2", DAILY_KIB / 2, 0, halfADayLater, EXPIRES));
    }

    @Test
    void anUploadLargerThanTheDailyQuotaIsRefusedOutright() {
        fixture.givenNoPriorActivity()
                .when(claim("u-1", DAILY + 1024, T0))
                .expectNoEvents()
                .expectException(Matchers.predicate(e -> e instanceof UploadAllowanceExceededException x
                        && x.code() == ErrorCode.QUOTA_EXCEEDED && x.retryAfter().equals(Duration.ofDays(1))));
    }

    @Test
    void anInitiateThatFailedGivesItsBytesBack() {
        fixture.given(claimed("u-1", 4096, DAILY_KIB - 4096, T0, EXPIRES))
                .when(new ReleaseUploadAllowanceCommand(ID, OWNER, "u-1", DAILY, T0))
                .expectEvents(new UploadAllowanceReleasedEvent(ID, OWNER, "u-1", DAILY_KIB, T0));
    }

    @Test
    void kibRoundUp() {
        assertThat(UploadAllowance.kib(0)).isEqualTo(1);
        assertThat(UploadAllowance.kib(1025)).isEqualTo(2);
    }
}
