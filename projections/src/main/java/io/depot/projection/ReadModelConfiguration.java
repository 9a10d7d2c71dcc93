package io.depot.projection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.springframework.boot.autoconfigure.mongo.MongoProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The MongoDB database that holds the read models: Spring Boot's {@code spring.data.mongodb.database}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MongoProperties.class)
public class ReadModelConfiguration {

    @Bean
    MongoDatabase readModelDatabase(MongoClient mongoClient, MongoProperties mongo) {
        return mongoClient.getDatabase(mongo.getMongoClientDatabase());
    }
}
