package io.depot.platform.idempotency;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Idempotency keys of POST commands ({@code depot.idempotency.*}).
 *
 * @param retention how long an {@code Idempotency-Key} and the answer it got are remembered
 */
@ConfigurationProperties("depot.idempotency")
@Validated
public record IdempotencyProperties(@DefaultValue("24h") @DurationMin(seconds = 1) Duration retention) {
}
