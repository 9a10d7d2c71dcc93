package io.depot.worker.tier;

import io.depot.file.LifecycleScope;
import io.depot.file.StorageClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lifecycle rules that move versions to colder storage classes as they age ({@code depot.lifecycle.*}), checked
 * when the service starts: a rule naming an unknown class or scope, a negative age, or a class nothing is warmer
 * than stops it with a message that says which rule is wrong.
 *
 * @param enabled                 whether the rules run on their schedule (one instance of the cluster at a time)
 * @param interval                the pause between two runs
 * @param maxPerRun               at most this many versions are moved (or looked at) per run; the rest wait for the next
 * @param retrievalPollInterval   how often retrievals of archived versions that were asked for are checked for
 *                                completion (S3 takes minutes to hours, by tier)
 * @param rules                   the rules; a version several rules match goes to the coldest of their classes
 */
@ConfigurationProperties("depot.lifecycle")
public record LifecycleProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("1000") int maxPerRun,
        @DefaultValue("15m") Duration retrievalPollInterval,
        @DefaultValue List<Rule> rules) {

    public LifecycleProperties {
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("depot.lifecycle.interval must be positive, not " + interval);
        }
        if (maxPerRun < 1) {
            throw new IllegalArgumentException("depot.lifecycle.max-per-run must be at least 1, not " + maxPerRun);
        }
        if (retrievalPollInterval.isNegative() || retrievalPollInterval.isZero()) {
            throw new IllegalArgumentException("depot.lifecycle.retrieval-poll-interval must be positive, not "
                    + retrievalPollInterval);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            String at = "depot.lifecycle.rules[" + i + "]";
            if (rule.name() == null || rule.name().isBlank()) {
                throw new IllegalArgumentException(at + ".name is required");
            }
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException(at + ".name: another rule is named " + rule.name());
            }
            rule.check(at + " (" + rule.name() + ")");
        }
    }

    /** The rules, coldest class first: a version the colder rule moves is no longer the warmer one's candidate. */
    List<Rule> coldestFirst() {
        return rules.stream().sorted((a, b) -> a.target().colderThan(b.target()) ? -1
                : b.target().colderThan(a.target()) ? 1 : 0).toList();
    }

    /**
     * One rule: versions in {@code appliesTo} older than {@code olderThan} go to {@code storageClass}, unless they
     * are in that class or a colder one already, or their owner pinned them.
     *
     * @param name         names the rule in the events it causes
     * @param appliesTo    {@code all}, {@code current} (the version downloads serve) or {@code superseded} (any other
     *                     available version)
     * @param olderThan    the version's age (from its upload, or its restore as the newest)
     * @param storageClass the class to move to, one of {@link StorageClass}
     */
    public record Rule(String name, @DefaultValue("all") String appliesTo, Duration olderThan, String storageClass) {

        void check(String at) {
            scope(at);
            target(at);
            if (olderThan == null || olderThan.isNegative()) {
                throw new IllegalArgumentException(at + ": older-than must be given and not negative, not " + olderThan);
            }
        }

        LifecycleScope scope() {
            return scope("depot.lifecycle rule " + name);
        }

        StorageClass target() {
            return target("depot.lifecycle rule " + name);
        }

        private LifecycleScope scope(String at) {
            return Arrays.stream(LifecycleScope.values())
                    .filter(s -> s.name().equals(appliesTo == null ? null : appliesTo.trim().toUpperCase(Locale.ROOT)))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(at + ": applies-to must be all, current or "
                            + "superseded, not " + appliesTo));
        }

        private StorageClass target(String at) {
            StorageClass target = (storageClass == null ? java.util.Optional.<StorageClass>empty()
                    : StorageClass.parse(storageClass.trim()))
                    .orElseThrow(() -> new IllegalArgumentException(at + ": storage-class must be one of "
                            + Arrays.toString(StorageClass.values()) + ", not " + storageClass));
            if (Arrays.stream(StorageClass.values()).noneMatch(target::colderThan)) {
                throw new IllegalArgumentException(at + ": storage-class " + target + " is colder than no class, "
                        + "and rules only move versions to colder classes");
            }
            return target;
        }
    }
}
