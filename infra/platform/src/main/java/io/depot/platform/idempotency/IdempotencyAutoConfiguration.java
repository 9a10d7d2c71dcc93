package io.depot.platform.idempotency;

import com.mongodb.client.MongoClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.context.annotation.Bean;

import java.time.Clock;
import java.time.Duration;
import org.springframework.util.unit.DataSize;

/** Idempotency keys for POST commands, kept in MongoDB for {@code depot.idempotency.retention} (24h). */
@AutoConfiguration(after = MongoAutoConfiguration.class)
public class IdempotencyAutoConfiguration {

    @Bean
    IdempotencyFilter idempotencyFilter(MongoClient mongoClient,
                                        @Value("${spring.data.mongodb.database}") String database,
                                        @Value("${depot.idempotency.retention:24h}") Duration retention,
                                        @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBody,
                                        Clock clock) {
        var keys = mongoClient.getDatabase(database).getCollection("idempotency_keys");
        return new IdempotencyFilter(new MongoIdempotencyStore(keys, retention, clock), Math.toIntExact(maxBody.toBytes()));
    }
}
