package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks and bad input against the running service and the real S3Proxy: forged and stale tokens, other users'
 * ids, tampered presigned URLs, hostile filenames, spoofed content, oversized and malformed bodies. Each case
 * asserts the exact status and, for Depot's own refusals, a problem body; and that nothing was stored: the event
 * store, the objects, the multipart uploads and the read model are as they were (or, where a session that existed
 * is refused at complete, hold exactly that session's abort).
 */
class AttackCorpusTest extends EndToEndTest {

    private static final String PROBE = "/v1/users/mallory/files";

    /** One attack: the request, and what Depot (or storage) must answer. */
    private record Case(String name, Supplier<Response> attack, int status, String code, List<String> newEvents) {
    }

    /** A response from Depot or from storage. */
    private record Response(int status, boolean problem, JsonNode json, String body) {
        static Response of(Api.Response r) {
            return new Response(r.status(), r.isProblem(), r.isProblem() ? r.json() : null, r.body());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyAttackFailsCleanly() {
        String bob = api.token("bob");
        String mallory = api.token("mallory");
        KeyPair depotKey = DevTokens.loadOrCreate(dataDir.resolve("dev-jwt"));

        String bobFile = uploadSmall(bob, uniqueName("bob-private"), randomBytes(2048, 301));
        JsonNode bobUpload = initiate(bob, uniqueName("bob-open"), 12L * MIB, 5L * MIB, null);
        String bobUploadId = bobUpload.get("upload_id").asText();
        JsonNode single = initiate(bob, uniqueName("bob-single"), 4096, null, null);

        List<Case> cases = new ArrayList<>();
        Consumer<Case> add = cases::add;

        // ---- tokens ----------------------------------------------------------------------------------
        tokenCase(add, "no token", null);
        tokenCase(add, "garbage token", "not.a.jwt");
        tokenCase(add, "empty bearer", "");
        tokenCase(add, "alg none", new PlainJWT(claims("mallory").build()).serialize());
        tokenCase(add, "alg none with a signature", noneWithSignature(depotKey));
        tokenCase(add, "HS256 keyed with the public key's bytes", hmac(depotKey.getPublic().getEncoded()));
        tokenCase(add, "HS256 keyed with the public key's PEM", hmac(pem(depotKey.getPublic().getEncoded())));
        tokenCase(add, "RS256 from a foreign key", rsa(foreignKey(), claims("mallory").build()));
        tokenCase(add, "expired beyond the skew", rsa(depotKey, claims("mallory")
                .expirationTime(Date.from(Instant.now().minusSeconds(120))).build()));
        tokenCase(add, "not yet valid", rsa(depotKey, claims("mallory")
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build()));
        tokenCase(add, "wrong issuer", rsa(depotKey, claims("mallory").issuer("https://evil.example").build()));
        tokenCase(add, "wrong audience", rsa(depotKey, claims("mallory").audience("someone-else").build()));
        tokenCase(add, "no audience", rsa(depotKey, claims("mallory").audience((String) null).build()));
        tokenCase(add, "no expiry", rsa(depotKey, claims("mallory").expirationTime(null).build()));
        tokenCase(add, "no subject", rsa(depotKey, claims(null).build()));
        tokenCase(add, "payload swapped after signing", swapSubject(rsa(depotKey, claims("mallory").build()), "bob"));
        add.accept(new Case("basic auth instead of a bearer token", () -> Response.of(api.send("GET", PROBE,
                Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("bob:bob".getBytes())),
                HttpRequest.BodyPublishers.noBody())), 401, "unauthenticated", List.of()));
        add.accept(new Case("token in the query string", () -> Response.of(api.get(PROBE + "?access_token=" + bob, null)),
                401, "unauthenticated", List.of()));

        // ---- other users' ids --------------------------------------------------------------------------
        String upload = "/v1/uploads/" + bobUploadId;
        idor(add, "read another user's file", () -> api.get("/v1/files/" + bobFile, mallory), "file-not-found");
        idor(add, "download another user's file", () -> api.get("/v1/files/" + bobFile + "/download", mallory), "file-not-found");
        idor(add, "download a private file without a token", () -> api.get("/v1/files/" + bobFile + "/download", null), "file-not-found");
        idor(add, "delete another user's file", () -> api.delete("/v1/files/" + bobFile, mallory), "file-not-found");
        idor(add, "read another user's upload", () -> api.get(upload, mallory), "upload-not-found");
        idor(add, "follow another user's upload progress", () -> api.get(upload + "/progress", mallory), "upload-not-found");
        idor(add, "stream a part into another user's upload", () -> api.put(upload + "/parts/1", mallory, new byte[5 * MIB]), "upload-not-found");
        idor(add, "report a part of another user's upload", () -> api.post(upload + "/parts/1", mallory, Map.of("etag", "x")), "upload-not-found");
        idor(add, "complete another user's upload", () -> api.post(upload + "/complete", mallory, null), "upload-not-found");
        idor(add, "abort another user's upload", () -> api.delete(upload, mallory), "upload-not-found");
        add.accept(new Case("a user starts a reconcile run", () -> Response.of(api.post("/v1/admin/reconcile-runs", mallory, null)),
                403, "forbidden", List.of()));
        add.accept(new Case("a user reads the download history", () -> Response.of(api.get("/v1/audit/downloads", mallory)),
                403, "forbidden", List.of()));

        // ---- presigned URLs, refused by storage itself -------------------------------------------------
        // Part 2 of 5 MiB + 1 KiB is 1 KiB: each request is refused for the one thing changed in it, with a body
        // small enough that storage reads it whole before it answers.
        JsonNode twoParts = initiate(bob, uniqueName("bob-two-parts"), 5L * MIB + 1024, 5L * MIB, null);
        String partUrl = twoParts.get("presigned_urls").get(1).asText();
        byte[] part = new byte[1024];
        String otherPart = partUrl.replace("partNumber=2&", "partNumber=1&");
        String otherKey = partUrl.replace("/objects/", "/objects/x");
        assertThat(List.of(otherPart, otherKey)).doesNotContain(partUrl);
        storageCase(add, "tampered signature", () -> api.putUrl(tamperSignature(partUrl), part, Map.of()));
        storageCase(add, "part 2's URL used for part 1", () -> api.putUrl(otherPart, part, Map.of()));
        storageCase(add, "URL pointed at another key", () -> api.putUrl(otherKey, part, Map.of()));
        String singleUrl = single.get("presigned_url").asText();
        storageCase(add, "single PUT of more bytes than signed", () -> api.putUrl(singleUrl, new byte[8192],
                Map.of("Content-Type", "application/octet-stream")));
        storageCase(add, "URL without its signature", () -> api.putUrl(singleUrl.substring(0, singleUrl.indexOf('?')),
                new byte[4096], Map.of("Content-Type", "application/octet-stream")));

        // ---- filenames -----------------------------------------------------------------------------------
        String[][] names = {{"path traversal", "../../etc/passwd"}, {"windows traversal", "..\\..\\boot.ini"},
                {"NUL byte", "report\u0000.pdf"}, {"right-to-left override", "invoice\u202Efdp.exe"},
                {"10,000 characters", "a".repeat(10_000)}, {"device name", "CON.txt"}, {"only dots", "..."},
                {"trailing space", "notes.txt "}, {"newline", "a\nb.txt"}};
        for (String[] name : names) {
            add.accept(new Case("filename: " + name[0], () -> Response.of(initiateAs(mallory, name[1], "text/plain")),
                    400, "invalid-filename", List.of()));
        }

        // ---- content types ----------------------------------------------------------------------------
        add.accept(new Case("an .exe", () -> Response.of(initiateAs(mallory, "setup.exe", "application/octet-stream")),
                415, "content-type-not-allowed", List.of()));
        add.accept(new Case("declared as a Windows executable", () -> Response.of(initiateAs(mallory, "tool.bin",
                "application/x-msdownload")), 415, "content-type-not-allowed", List.of()));
        add.accept(new Case("a .jpg declared as HTML", () -> Response.of(initiateAs(mallory, "photo.jpg", "text/html")),
                415, "content-type-mismatch", List.of()));
        byte[] windowsExe = executable(new byte[]{'M', 'Z', (byte) 0x90, 0});
        spoofed(add, mallory, "an executable named photo.jpg", "photo.jpg", "image/jpeg", windowsExe,
                "content-type-not-allowed");
        byte[] elf = executable(new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        spoofed(add, mallory, "a Linux executable named notes.txt", "notes.txt", "text/plain", elf,
                "content-type-not-allowed");
        byte[] png = executable(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        spoofed(add, mallory, "a PNG named photo.jpg", "photo.jpg", "image/jpeg", png, "content-type-mismatch");

        // ---- sizes -------------------------------------------------------------------------------------
        JsonNode own = initiate(mallory, uniqueName("mallory-open"), 12L * MIB, 5L * MIB, null);
        String ownUpload = "/v1/uploads/" + own.get("upload_id").asText();
        add.accept(new Case("part with more bytes than declared", () -> Response.of(api.put(ownUpload + "/parts/1",
                mallory, new byte[5 * MIB + 1])), 413, "payload-too-large", List.of()));
        add.accept(new Case("part with fewer bytes than declared", () -> Response.of(api.put(ownUpload + "/parts/1",
                mallory, new byte[1024])), 400, "part-size-mismatch", List.of()));
        add.accept(new Case("part without Content-Length", () -> Response.of(api.send("PUT", ownUpload + "/parts/1",
                Map.of("Authorization", "Bearer " + mallory, "Content-Type", "application/octet-stream"),
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5 * MIB])))),
                411, "length-required", List.of()));
        add.accept(new Case("part number 0", () -> Response.of(api.put(ownUpload + "/parts/0", mallory, new byte[10])),
                400, "invalid-part-number", List.of()));
        add.accept(new Case("part number past the last", () -> Response.of(api.put(ownUpload + "/parts/4", mallory,
                new byte[10])), 400, "invalid-part-number", List.of()));
        jsonCase(add, mallory, "negative size", "{\"filename\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":-1}",
                400, "validation-failed");
        jsonCase(add, mallory, "size over 5 TiB", "{\"filename\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":5497558138881}",
                400, "validation-failed");

        // ---- JSON --------------------------------------------------------------------------------------
        jsonCase(add, mallory, "a number with 400 digits", "{\"filename\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":"
                + "9".repeat(400) + "}", 400, "malformed-request");
        jsonCase(add, mallory, "1e400", "{\"filename\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":1e400}",
                400, "malformed-request");
        jsonCase(add, mallory, "nesting 200 deep", "{\"filename\":\"a.bin\",\"content_type\":\"application/octet-stream\",\"size\":1,\"x\":"
                + "[".repeat(200) + "]".repeat(200) + "}", 400, "malformed-request");
        jsonCase(add, mallory, "duplicate keys", "{\"filename\":\"a.bin\",\"filename\":\"b.bin\",\"content_type\":\"application/octet-stream\",\"size\":1}",
                400, "malformed-request");
        jsonCase(add, mallory, "an array for an object", "[{\"filename\":\"a.bin\"}]", 400, "malformed-request");
        jsonCase(add, mallory, "truncated", "{\"filename\":", 400, "malformed-request");
        jsonCase(add, mallory, "a 1 MiB string", "{\"filename\":\"" + "a".repeat(MIB) + "\",\"content_type\":\"text/plain\",\"size\":1}",
                413, "payload-too-large");
        add.accept(new Case("a body that is not JSON", () -> Response.of(api.postRaw("/v1/uploads/initiate", mallory,
                "text/plain", "filename=a.bin")), 415, "unsupported-media-type", List.of()));

        // ---- header-bound values ---------------------------------------------------------------------------
        for (String type : List.of("text/plain\r\n;x", "text/plain\r\nX-Injected: 1", "text/plain; charset=\"a\r\nb\"",
                "text/plain\u0000", "text/pla in", "text/plain; charset=", "tëxt/plain")) {
            String escaped = type.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\u0000").replace("\"", "\\\"");
            for (long size : List.of(10L, 12L * MIB)) {
                jsonCase(add, mallory, "content type " + type.replace("\r", "CR").replace("\n", "LF").replace("\u0000", "NUL")
                        + " (" + (size == 10 ? "one part" : "multipart") + ")",
                        "{\"filename\":\"a.txt\",\"content_type\":\"" + escaped + "\",\"size\":" + size + "}",
                        400, "validation-failed");
            }
        }

        // ---- storage classes ---------------------------------------------------------------------------------
        for (String archive : List.of("GLACIER", "DEEP_ARCHIVE", "deep_archive")) {
            add.accept(new Case("storage class " + archive, () -> Response.of(api.post("/v1/uploads/initiate", mallory,
                    Map.of("filename", "a.bin", "content_type", "application/octet-stream", "size", 10,
                            "storage_class", archive))), 400, "validation-failed", List.of()));
        }

        // ---- paging ------------------------------------------------------------------------------------------
        for (String query : List.of("page=21474837&size=100", "page=2147483647&size=100", "page=10001&size=100")) {
            add.accept(new Case("listing " + query, () -> Response.of(api.get(PROBE + "?" + query, mallory)),
                    400, "validation-failed", List.of()));
            add.accept(new Case("download history " + query, () -> Response.of(api.get("/v1/audit/downloads?" + query,
                    api.token("auditor-1", "auditor"))), 400, "validation-failed", List.of()));
        }

        // ---- development tokens --------------------------------------------------------------------------------
        for (String header : DevTokenController.PROXY_HEADERS) {
            String value = header.equals("Forwarded") ? "for=203.0.113.7" : header.equals("Via") ? "1.1 proxy" : "203.0.113.7";
            add.accept(new Case("dev token through a proxy (" + header + ")", () -> Response.of(api.post("/v1/dev/tokens",
                    null, Map.of("user_id", "mallory", "roles", List.of("admin")), Map.of(header, value))),
                    403, "forbidden", List.of()));
        }

        assertThat(cases).hasSizeGreaterThanOrEqualTo(50);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Stored before = stored();
            List<String> bobEvents = eventTypes(bobUploadId);
            Response response = c.attack().get();
            assertThat(response.status()).as(c.name() + ": " + response.body()).isEqualTo(c.status());
            if (c.code() != null) {
                assertThat(response.problem()).as("problem+json: " + response.body()).isTrue();
                assertThat(response.json().get("code").asText()).isEqualTo(c.code());
                assertThat(response.json().get("status").asInt()).isEqualTo(c.status());
            }
            Stored after = stored();
            assertThat(after.objects()).isEqualTo(before.objects());
            assertThat(after.multipartUploads()).isEqualTo(before.multipartUploads());
            assertThat(after.files()).isEqualTo(before.files());
            assertThat(eventsAfter(before.events())).containsExactlyInAnyOrderElementsOf(c.newEvents());
            assertThat(eventTypes(bobUploadId)).isEqualTo(bobEvents);
        }));
    }

    /** The payload types of the events appended after the first {@code count}. */
    private List<String> eventsAfter(long count) {
        return jdbc.queryForList("SELECT payloadType FROM DomainEventEntry ORDER BY globalIndex OFFSET ?", String.class, count)
                .stream().map(t -> t.substring(t.lastIndexOf('.') + 1)).toList();
    }

    private void tokenCase(Consumer<Case> add, String name, String token) {
        add.accept(new Case("token: " + name, () -> {
            Response r = Response.of(api.get(PROBE, token));
            if (r.problem()) {
                assertThat(r.json().get("detail").asText()).isEqualTo("a valid bearer token is required");
            }
            return r;
        }, 401, "unauthenticated", List.of()));
    }

    private static void idor(Consumer<Case> add, String name, Supplier<Api.Response> attack, String code) {
        add.accept(new Case(name, () -> Response.of(attack.get()), 404, code, List.of()));
    }

    private static void storageCase(Consumer<Case> add, String name, Supplier<Api.Response> attack) {
        add.accept(new Case("presigned: " + name, () -> Response.of(attack.get()), 403, null, List.of()));
    }

    private void jsonCase(Consumer<Case> add, String token, String name, String body, int status, String code) {
        add.accept(new Case("json: " + name, () -> Response.of(api.postRaw("/v1/uploads/initiate", token,
                "application/json", body)), status, code, List.of()));
    }

    /**
     * A session whose stored bytes are not what it declared: complete refuses, removes them and ends the session
     * aborted, which frees its place in the owner's allowance.
     */
    private void spoofed(Consumer<Case> add, String token, String name, String filename, String type, byte[] bytes,
                         String code) {
        add.accept(new Case("content: " + name, () -> {
            Api.Response initiated = initiateAs(token, uniqueName("x") + "-" + filename, type, bytes.length);
            assertThat(initiated.status()).as(initiated.body()).isEqualTo(201);
            assertThat(api.putUrl(initiated.json().get("presigned_url").asText(), bytes,
                    Map.of("Content-Type", type)).status()).isEqualTo(200);
            return Response.of(api.post("/v1/uploads/" + initiated.json().get("upload_id").asText() + "/complete",
                    token, null));
        }, 415, code, List.of("UploadAllowanceClaimedEvent", "UploadInitiatedEvent", "PartUploadedEvent",
                "UploadAbortedEvent", "UploadAllowanceReleasedEvent")));
    }

    private Api.Response initiateAs(String token, String filename, String type) {
        return initiateAs(token, filename, type, 10);
    }

    private Api.Response initiateAs(String token, String filename, String type, long size) {
        return api.post("/v1/uploads/initiate", token, Map.of("filename", filename, "content_type", type, "size", size));
    }

    private static byte[] executable(byte[] magic) {
        byte[] bytes = randomBytes(4096, 302);
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        return bytes;
    }

    private static JWTClaimsSet.Builder claims(String subject) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).issuer(DevTokens.ISSUER).audience("depot")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String rsa(KeyPair key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("mallory").build());
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(byte[] der) {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        return pem.getBytes(StandardCharsets.US_ASCII);
    }

    /** A valid RS256 token whose header is rewritten to alg none, signature kept. */
    private static String noneWithSignature(KeyPair key) {
        String[] parts = rsa(key, claims("mallory").build()).split("\\.");
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2];
    }

    private static String swapSubject(String token, String subject) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sub\":\"mallory\"", "\"sub\":\"" + subject + "\"");
        return parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
    }

    private static KeyPair foreignKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tamperSignature(String url) {
        int at = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        char c = url.charAt(at);
        return url.substring(0, at) + (c == 'a' ? 'b' : 'a') + url.substring(at + 1);
    }
}
