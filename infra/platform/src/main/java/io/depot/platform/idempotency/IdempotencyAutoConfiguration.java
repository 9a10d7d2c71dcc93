package io.depot.platform.idempotency;

import com.mongodb.client.MongoClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.codec.CodecProperties;
import org.springframework.boot.autoconfigure.http.codec.HttpCodecsProperties;
import org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

import java.time.Clock;

/** Idempotency keys for POST commands, kept in MongoDB for {@code depot.idempotency.retention} (24h). */
@AutoConfiguration(after = MongoAutoConfiguration.class)
@EnableConfigurationProperties({IdempotencyProperties.class, MongoProperties.class, HttpCodecsProperties.class,
        CodecProperties.class})
@SuppressWarnings("deprecation") // CodecProperties: spring.codec.*, which Spring Boot still reads
public class IdempotencyAutoConfiguration {

    /** Bodies are held up to the size WebFlux buffers, by the same rule: the newer setting, else the older one. */
    @Bean
    IdempotencyFilter idempotencyFilter(MongoClient mongoClient, MongoProperties mongo, IdempotencyProperties properties,
                                        HttpCodecsProperties httpCodecs, CodecProperties codecs, Clock clock) {
        DataSize maxBody = httpCodecs.getMaxInMemorySize() != null ? httpCodecs.getMaxInMemorySize()
                : codecs.getMaxInMemorySize() != null ? codecs.getMaxInMemorySize() : DataSize.ofKilobytes(256);
        var keys = mongoClient.getDatabase(mongo.getMongoClientDatabase()).getCollection("idempotency_keys");
        return new IdempotencyFilter(new MongoIdempotencyStore(keys, properties.retention(), clock),
                Math.toIntExact(maxBody.toBytes()));
    }
}
