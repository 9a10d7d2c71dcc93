package io.depot.worker.reconcile;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How reconcile runs compare storage with Depot's records ({@code depot.reconcile.*}).
 *
 * @param schedule   when scheduled runs start, in db-scheduler's notation ({@code DAILY|03:00},
 *                   {@code FIXED_DELAY|21600s}); {@code off} (or {@code -}) schedules none, operators can still start runs
 * @param grace      objects, uploads and records younger than this are left alone: an upload that is being
 *                   completed, or a read model a moment behind, is not a finding
 * @param sampleSize how many available objects each run hashes again to compare with their SHA-256
 * @param repair     when false every finding is only reported and nothing is changed
 * @param pageSize   records and keys compared per page
 */
@ConfigurationProperties("depot.reconcile")
record ReconcileProperties(
        @DefaultValue("DAILY|03:00") String schedule,
        @DefaultValue("1h") Duration grace,
        @DefaultValue("20") int sampleSize,
        @DefaultValue("true") boolean repair,
        @DefaultValue("1000") int pageSize) {
}
