package io.depot.platform.idempotency;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Idempotency keys in MongoDB, shared by every instance of a service: the unique {@code _id} decides which
 * of two racing requests runs. Keys expire after {@code retention} (a TTL index on MongoDB; expired keys
 * are also ignored on read, for stores without TTL indexes). A claim in progress holds until {@code lease_until},
 * which the running request keeps pushing forward; past it, the request died with its process and the key is free.
 */
public class MongoIdempotencyStore implements IdempotencyFilter.IdempotencyStore {

    private final MongoCollection<Document> keys;
    private final Duration retention;
    private final Clock clock;

    public MongoIdempotencyStore(MongoCollection<Document> keys, Duration retention, Clock clock) {
        this.keys = keys;
        this.retention = retention;
        this.clock = clock;
        keys.createIndex(Indexes.ascending("created_at"),
                new IndexOptions().expireAfter(retention.toSeconds(), TimeUnit.SECONDS));
    }

    @Override
    public Mono<Optional<IdempotencyFilter.StoredResponse>> claim(String id, String fingerprint) {
        return Mono.fromCallable(() -> claimNow(id, fingerprint)).subscribeOn(Schedulers.boundedElastic());
    }

    private Optional<IdempotencyFilter.StoredResponse> claimNow(String id, String fingerprint) {
        while (true) {
            Date now = Date.from(clock.instant());
            // A key past its retention, or held by a request that died mid-way, is free again.
            keys.deleteOne(Filters.and(Filters.eq("_id", id), Filters.or(
                    Filters.lt("created_at", Date.from(clock.instant().minus(retention))),
                    Filters.and(Filters.eq("in_progress", true), Filters.lt("lease_until", now)))));
            try {
                keys.insertOne(new Document("_id", id).append("fingerprint", fingerprint)
                        .append("in_progress", true).append("created_at", now)
                        .append("lease_until", Date.from(now.toInstant().plus(LEASE))));
                return Optional.empty();
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Document d = keys.find(Filters.eq("_id", id)).first();
            if (d != null) {
                return Optional.of(new IdempotencyFilter.StoredResponse(d.getString("fingerprint"),
                        d.getBoolean("in_progress", false), d.getInteger("status", 0), d.getString("content_type"),
                        d.getString("body"), d.getString("location")));
            }
            // Forgotten between our insert and our read (the other request failed): claim it again.
        }
    }

    @Override
    public Mono<Void> renew(String id) {
        return Mono.<Void>fromRunnable(() -> keys.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("in_progress", true)),
                        Updates.set("lease_until", Date.from(clock.instant().plus(LEASE)))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> complete(String id, int status, String contentType, String body, String location) {
        return Mono.<Void>fromRunnable(() -> keys.updateOne(Filters.eq("_id", id), Updates.combine(
                        Updates.set("in_progress", false), Updates.set("status", status),
                        Updates.set("content_type", contentType), Updates.set("body", body),
                        Updates.set("location", location))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> forget(String id) {
        return Mono.<Void>fromRunnable(() -> keys.deleteOne(Filters.eq("_id", id)))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
