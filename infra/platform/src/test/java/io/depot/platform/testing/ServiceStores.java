package io.depot.platform.testing;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.depot.platform.MongoStandInVersion;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/**
 * The stores around a Depot service that a test boots whole ({@code @SpringBootTest} of its application class):
 * PostgreSQL ({@link TestPostgres}, a schema of its own), Redis ({@link TestRedis}), mongo-java-server in memory for
 * MongoDB and S3Proxy on a temporary directory for object storage, the last two started once per JVM and ending with
 * it: stopped by a shutdown hook of their own, they could go before the service, whose processors still write their
 * tokens while it stops. Tokens are checked against a JWK set that is fetched only when a token arrives: these tests
 * send none.
 */
public final class ServiceStores {

    public static final String ACCESS_KEY = "depot";
    public static final String SECRET_KEY = "depot-test-secret";

    private static String mongoUri;
    private static URI s3Endpoint;

    private ServiceStores() {
    }

    /** Points the service at the stores, starting those this JVM has not started yet. */
    public static void register(DynamicPropertyRegistry registry) {
        String jdbcUrl = TestPostgres.schemaUrl();
        registry.add("spring.datasource.url", () -> jdbcUrl);
        registry.add("spring.datasource.username", TestPostgres::user);
        registry.add("spring.datasource.password", TestPostgres::password);
        registry.add("depot.redis.uri", TestRedis::url);
        registry.add("spring.data.mongodb.uri", ServiceStores::mongoUri);
        registry.add("depot.storage.endpoint", () -> s3Endpoint().toString());
        registry.add("depot.storage.access-key", () -> ACCESS_KEY);
        registry.add("depot.storage.secret-key", () -> SECRET_KEY);
        registry.add("depot.storage.server-side-encryption", () -> "");
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> "http://127.0.0.1:9/jwks.json");
        registry.add("depot.security.issuer", () -> "depot-test");
        registry.add("depot.web.drain-delay", () -> "0s");
    }

    private static synchronized String mongoUri() {
        if (mongoUri == null) {
            MongoServer server = new MongoServer(new MemoryBackend().version(MongoStandInVersion.MONGO_4_2));
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            mongoUri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/depot";
        }
        return mongoUri;
    }

    /** S3Proxy on a temporary directory, started on first use, with {@link #ACCESS_KEY} and {@link #SECRET_KEY}. */
    public static synchronized URI s3Endpoint() {
        if (s3Endpoint == null) {
            try {
                Path dir = Files.createTempDirectory("depot-objects-");
                Properties jclouds = new Properties();
                jclouds.setProperty("jclouds.filesystem.basedir", dir.toString());
                BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                        .credentials("unused", "unused")
                        .overrides(jclouds)
                        .buildView(BlobStoreContext.class);
                S3Proxy proxy = S3Proxy.builder()
                        .blobStore(context.getBlobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .build();
                proxy.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    if (proxy.getState().equals("FAILED")) {
                        throw new IllegalStateException("S3Proxy failed to start");
                    }
                    return proxy.getState().equals("STARTED");
                });
                s3Endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start S3Proxy", e);
            }
        }
        return s3Endpoint;
    }
}
