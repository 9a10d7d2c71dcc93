package io.depot.allinone;

import com.mongodb.ConnectionString;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.depot.platform.MongoStandInVersion;
import io.depot.platform.storage.StorageEndpoint;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.mongo.MongoConnectionDetails;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The stores the all-in-one launcher runs itself when none are configured: an S3-compatible object store
 * (S3Proxy on the filesystem) and a MongoDB-compatible server (mongo-java-server on an H2 file), both on
 * loopback under the data directory. The event store is an H2 file there too (see application.yml).
 * {@link EmbeddedStoresStartup} starts both while the context is still being built; the beans here take them over.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EmbeddedProperties.class)
class EmbeddedStores {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStores.class);

    @Bean(destroyMethod = "stop")
    @ConditionalOnExpression("'${depot.storage.endpoint:}'.isEmpty()")
    EmbeddedObjectStore embeddedObjectStore(EmbeddedProperties properties,
                                            ObjectProvider<EmbeddedStoresStartup.Started> started) throws Exception {
        EmbeddedStoresStartup.Started early = started.getIfAvailable();
        EmbeddedObjectStore store = early == null ? null : early.takeObjectStore();
        return store != null ? store : startObjectStore(properties);
    }

    /** S3Proxy on a filesystem blob store under the data directory, on loopback. */
    static EmbeddedObjectStore startObjectStore(EmbeddedProperties properties) throws Exception {
        Path dir = Files.createDirectories(properties.dataDir().resolve("objects"));
        EmbeddedBlobStore.removeUnfinishedWrites(dir);
        Properties jclouds = new Properties();
        jclouds.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials("unused", "unused")
                .overrides(jclouds)
                .buildView(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new EmbeddedBlobStore(context.getBlobStore()))
                .endpoint(URI.create("http://127.0.0.1:" + properties.s3Port()))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, properties.s3AccessKey(), properties.s3SecretKey())
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            if (proxy.getState().equals("FAILED")) {
                throw new IllegalStateException("embedded object store failed to start");
            }
            Thread.sleep(10);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        log.info("embedded object store at {} on {}", endpoint, dir);
        return new EmbeddedObjectStore(proxy, context, endpoint);
    }

    @Bean
    @ConditionalOnExpression("'${depot.storage.endpoint:}'.isEmpty()")
    StorageEndpoint embeddedStorageEndpoint(EmbeddedObjectStore store, EmbeddedProperties properties) {
        return new StorageEndpoint(store.endpoint(), null, properties.s3AccessKey(), properties.s3SecretKey());
    }

    @Bean(destroyMethod = "shutdownNow")
    @ConditionalOnExpression("'${spring.data.mongodb.uri:}'.isEmpty()")
    MongoServer embeddedMongo(EmbeddedProperties properties, ObjectProvider<EmbeddedStoresStartup.Started> started)
            throws Exception {
        EmbeddedStoresStartup.Started early = started.getIfAvailable();
        MongoServer server = early == null ? null : early.takeMongo();
        return server != null ? server : startMongo(properties, false);
    }

    /**
     * mongo-java-server on loopback, on an H2 file under the data directory unless in memory. {@code shared}: several
     * processes use it, so it handles one command at a time. A token claim is an update conditional on the token's
     * owner, which MongoDB applies atomically; mongo-java-server runs the commands of different connections in
     * parallel without locking, so two processes could otherwise both claim a segment.
     */
    static MongoServer startMongo(EmbeddedProperties properties, boolean shared) throws IOException {
        AbstractMongoBackend backend;
        if (properties.mongoInMemory()) {
            backend = H2Backend.inMemory();
        } else {
            Path dir = Files.createDirectories(properties.dataDir().resolve("readmodels"));
            // Tokens, sagas and idempotency keys live here: each write reaches the file before it is answered.
            backend = new CommittingH2Backend(dir.resolve("depot.mv").toAbsolutePath().toString(), 1000);
        }
        backend.version(MongoStandInVersion.MONGO_4_2);
        MongoServer server = new MongoServer(backend);
        if (shared) {
            server.bind(new InetSocketAddress("127.0.0.1", properties.mongoPort()), 1, 1);
        } else {
            server.bind("127.0.0.1", properties.mongoPort());
        }
        InetSocketAddress address = server.getLocalAddress();
        log.info("embedded MongoDB-compatible server at {}", address);
        return server;
    }

    @Bean
    @ConditionalOnExpression("'${spring.data.mongodb.uri:}'.isEmpty()")
    MongoConnectionDetails embeddedMongoConnection(MongoServer embeddedMongo) {
        InetSocketAddress address = embeddedMongo.getLocalAddress();
        ConnectionString connection = new ConnectionString(
                "mongodb://127.0.0.1:" + address.getPort() + "/depot?uuidRepresentation=standard");
        return () -> connection;
    }

    /** The running embedded object store. */
    record EmbeddedObjectStore(S3Proxy proxy, BlobStoreContext context, URI endpoint) {

        void stop() throws Exception {
            proxy.stop();
            context.close();
        }
    }
}
