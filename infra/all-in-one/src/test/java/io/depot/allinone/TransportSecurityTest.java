package io.depot.allinone;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Depot serving TLS from a keystore (Spring Boot's {@code server.ssl.*}), with the security headers every response
 * carries, HSTS among them, and CORS for the browser origins it is told about.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportSecurityTest {

    private static final String PASSWORD = "depot-test";
    private static final String ORIGIN = "https://app.depot.test";
    private ConfigurableApplicationContext app;
    private HttpClient client;
    private String base;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("depot-tls-");
        Path keystore = dir.resolve("depot.p12");
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "depot", "-keyalg", "RSA",
                "-keysize", "2048", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-dname", "CN=localhost", "-validity", "2", "-ext", "SAN=ip:127.0.0.1").inheritIO().start();
        assertThat(keytool.waitFor()).isZero();

        app = new SpringApplicationBuilder(DepotApplication.class).run("--server.port=0", "--server.shutdown=immediate",
                "--depot.embedded.data-dir=" + dir.resolve("data"), "--depot.embedded.mongo-in-memory=true",
                "--server.ssl.key-store=" + keystore, "--server.ssl.key-store-password=" + PASSWORD,
                "--server.ssl.key-store-type=PKCS12", "--depot.security.cors-origins=" + ORIGIN);
        base = "https://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void servesTlsWithStrictTransportSecurityAndTheUsualHeaders() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/users/x/files")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        var headers = response.headers();
        assertThat(headers.firstValue("Strict-Transport-Security")).hasValueSatisfying(v -> assertThat(v)
                .contains("max-age=31536000", "includeSubDomains"));
        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(headers.firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(headers.firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    }

    @Test
    void refusesPlainHttpOnTheTlsPort() {
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String http = base.replace("https://", "http://");
        // The TLS port does not speak plain HTTP: the connection fails instead of carrying a response.
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(http + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void browsersFromAConfiguredOriginMayUploadAndReadETags() throws Exception {
        HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/uploads/u/parts/1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("PUT"));

        HttpResponse<String> actual = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/users/x/files"))
                .header("Origin", ORIGIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(actual.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v -> assertThat(v)
                .contains("ETag", "Retry-After", "RateLimit-Remaining"));

        // tus clients in such a page: their PATCH headers may be sent, and the offsets they read are exposed.
        HttpResponse<String> tusPreflight = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/tus/u"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "PATCH")
                .header("Access-Control-Request-Headers", "authorization,content-type,tus-resumable,upload-offset,"
                        + "upload-checksum").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tusPreflight.statusCode()).isEqualTo(200);
        assertThat(tusPreflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(v ->
                assertThat(v.toLowerCase(java.util.Locale.ROOT)).contains("tus-resumable", "upload-offset", "upload-checksum"));
        HttpResponse<String> tusAnswer = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/tus/"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tusAnswer.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v ->
                assertThat(v).contains("Upload-Offset", "Upload-Expires", "Location", "Tus-Resumable"));

        HttpResponse<String> foreign = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/uploads/u/parts/1"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
