package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A private file exists for its owner alone; without a valid token nothing answers but 401. */
class AuthorizationTest extends EndToEndTest {

    private String alice;
    private String bob;
    private String fileId;
    private String openUploadId;

    @BeforeEach
    void aliceHasAPrivateFileAndAnOpenUpload() {
        alice = api.token("alice");
        bob = api.token("bob");
        fileId = uploadSmall(alice, uniqueName("private"), randomBytes(300, 11));
        openUploadId = initiate(alice, uniqueName("open"), 10 * MIB, 5L * MIB, null).get("upload_id").asText();
    }

    @Test
    void anotherUserCannotReadDownloadListOrDeleteAPrivateFile() {
        assertNotFound(api.get("/v1/files/" + fileId, bob));
        assertNotFound(api.get("/v1/files/" + fileId + "/download", bob));
        Api.Response list = api.get("/v1/users/alice/files?size=100", bob);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(fileId);
        assertNotFound(api.delete("/v1/files/" + fileId, bob));

        assertThat(api.get("/v1/files/" + fileId, alice).status()).isEqualTo(200);
        assertThat(eventTypes(fileId)).filteredOn("FileVersionedEvent"::equals).hasSize(1);
    }

    @Test
    void anotherUserCannotSeeOrTouchAnUpload() {
        String path = "/v1/uploads/" + openUploadId;
        long before = stored().events();
        assertNotFound(api.get(path, bob));
        assertNotFound(api.put(path + "/parts/1", bob, new byte[5 * MIB]));
        assertNotFound(api.post(path + "/parts/1", bob, Map.of("etag", "abc")));
        assertNotFound(api.post(path + "/complete", bob, null));
        assertNotFound(api.delete(path, bob));
        assertThat(stored().events()).isEqualTo(before);
        assertThat(api.get(path, alice).json().get("status").asText()).isEqualTo("in_progress");
    }

    @Test
    void aPublicFileIsReadableByOthers() {
        byte[] data = randomBytes(400, 12);
        var body = Map.of("filename", uniqueName("public"), "content_type", "application/octet-stream",
                "size", data.length, "public", true);
        JsonNode upload = api.post("/v1/uploads/initiate", alice, body).json();
        putSingle(upload, data);
        String publicId = complete(alice, upload.get("upload_id").asText()).get("file_id").asText();
        awaitFile(alice, publicId, 1);

        assertThat(api.get("/v1/files/" + publicId, bob).json().get("public").asBoolean()).isTrue();
        assertThat(download(bob, publicId)).isEqualTo(data);
        assertThat(api.get("/v1/users/alice/files?size=100", bob).body()).contains(publicId);
        assertNotFound(api.delete("/v1/files/" + publicId, bob));
    }

    @Test
    void everyCallWithoutAValidTokenGets401ButAnonymousDownloadsOfPrivateFilesGet404() throws Exception {
        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        var claims = new JWTClaimsSet.Builder().subject("alice").issuer("depot-all-in-one")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        var forged = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        forged.sign(new RSASSASigner(keys.generateKeyPair().getPrivate()));

        for (String token : new String[]{null, "not-a-jwt", forged.serialize()}) {
            assertUnauthorized(api.get("/v1/files/" + fileId, token));
            if (token == null) {
                // Download URLs of public files need no token; a private file does not exist for anonymous callers.
                assertNotFound(api.get("/v1/files/" + fileId + "/download", null));
            } else {
                assertUnauthorized(api.get("/v1/files/" + fileId + "/download", token));
            }
            assertUnauthorized(api.get("/v1/users/alice/files", token));
            assertUnauthorized(api.delete("/v1/files/" + fileId, token));
            assertUnauthorized(api.post("/v1/uploads/initiate", token, Map.of("filename", "x", "size", 1)));
            assertUnauthorized(api.get("/v1/uploads/" + openUploadId, token));
            assertUnauthorized(api.post("/v1/uploads/" + openUploadId + "/complete", token, null));
        }
    }

    private static void assertNotFound(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(404);
        assertThat(response.isProblem()).isTrue();
    }

    private static void assertUnauthorized(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.json().get("code").asText()).isEqualTo("unauthenticated");
    }
}
