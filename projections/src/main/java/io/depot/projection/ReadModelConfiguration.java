package io.depot.projection;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The MongoDB database that holds the read models. */
@Configuration(proxyBeanMethods = false)
public class ReadModelConfiguration {

    @Bean
    MongoDatabase readModelDatabase(MongoClient mongoClient, @Value("${spring.data.mongodb.database}") String database) {
        return mongoClient.getDatabase(database);
    }
}
