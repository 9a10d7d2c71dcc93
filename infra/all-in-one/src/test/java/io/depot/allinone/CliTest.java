package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code depot} command-line client, run as its own process from its executable jar against the running Depot,
 * killed and run again as a person at a shell would.
 */
class CliTest extends EndToEndTest {

    @TempDir
    Path dir;

    String token;
    Path configDir;

    @BeforeEach
    void user() {
        token = api.token("cli-" + java.util.UUID.randomUUID());
        configDir = dir.resolve("config");
    }

    @Test
    void anUploadKilledMidwayResumesSendingOnlyThePartsStorageLacks() throws Exception {
        byte[] data = randomBytes(30 * MIB, 41);
        Path file = Files.write(dir.resolve(uniqueName("resumed")), data);

        Process first = start(List.of("upload", file.toString(), "--part-size", "5MiB", "--parallel", "1",
                "--limit-rate", "4MiB", "--json"), environment(), "first");
        String uploadId = awaitUploadId();
        await().atMost(Duration.ofSeconds(60)).until(() -> partsUploaded(uploadId) >= 2);
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(500);
        JsonNode before = api.get("/v1/uploads/" + uploadId, token).json();
        long bytesBefore = before.get("bytes_uploaded").asLong();
        assertThat(before.get("status").asText()).isEqualTo("in_progress");
        assertThat(bytesBefore).isBetween(10L * MIB, 25L * MIB);

        Result second = run(List.of("upload", file.toString(), "--part-size", "5MiB", "--json"), environment());
        assertThat(second.exit()).as(second.stderr()).isZero();
        JsonNode result = Api.JSON.readTree(second.stdout());
        assertThat(result.get("upload_id").asText()).isEqualTo(uploadId);
        assertThat(result.get("resumed").asBoolean()).isTrue();
        assertThat(result.get("bytes_sent").asLong()).isEqualTo(data.length - bytesBefore);
        assertThat(result.get("parts_sent").asInt()).isEqualTo(6 - before.get("parts_uploaded").size());
        assertThat(second.stderr()).as("plain progress lines off a terminal").contains("upload 100%");
        try (Stream<Path> states = Files.list(configDir.resolve("uploads"))) {
            assertThat(states.filter(f -> f.toString().endsWith(".json"))).as("state file removed when done").isEmpty();
        }

        String fileId = result.get("file_id").asText();
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(eventTypes(uploadId)).contains("UploadCompletedEvent");
    }

    @Test
    void uploadsFilesOfOnePartStraightToStorageOrThroughDepot() throws Exception {
        byte[] first = randomBytes(100_000, 46);
        byte[] second = randomBytes(200_000, 47);
        Path a = Files.write(dir.resolve(uniqueName("small-a")), first);
        Path b = Files.write(dir.resolve(uniqueName("small-b")), second);

        for (List<String> options : List.of(List.<String>of(), List.of("--through-service"))) {
            List<String> arguments = new ArrayList<>(List.of("upload", a.toString(), b.toString(), "--json"));
            arguments.addAll(options);
            Result result = run(arguments, environment());
            assertThat(result.exit()).as(options + result.stderr()).isZero();
            List<JsonNode> uploads = new ArrayList<>();
            Api.JSON.readerFor(JsonNode.class).readValues(result.stdout()).forEachRemaining(o -> uploads.add((JsonNode) o));
            assertThat(uploads).hasSize(2);
            assertThat(sha256(download(token, uploads.get(0).get("file_id").asText()))).isEqualTo(sha256(first));
            assertThat(sha256(download(token, uploads.get(1).get("file_id").asText()))).isEqualTo(sha256(second));
        }
    }

    /**
     * Through Depot, a file larger than one part goes in 64 MiB parts unless a size is asked for: each part costs the
     * service a command, an event and a read-model write. The parts are read from the file as they are sent: under a
     * heap smaller than one part, the CLI that held each part in memory failed.
     */
    @Test
    void throughDepotPartsAre64MiBAndReadFromTheFileAsTheyAreSent() throws Exception {
        byte[] data = randomBytes(70 * MIB, 48);
        Path file = Files.write(dir.resolve(uniqueName("large")), data);

        Result result = runCommand(javaCommand(List.of("upload", file.toString(), "--through-service", "--json"),
                "-Xmx48m"), environment());
        assertThat(result.exit()).as(result.stderr()).isZero();
        JsonNode uploaded = Api.JSON.readTree(result.stdout());
        assertThat(uploaded.get("parts_sent").asInt()).isEqualTo(2);
        assertThat(uploaded.get("bytes_sent").asLong()).isEqualTo(data.length);
        JsonNode upload = api.get("/v1/uploads/" + uploaded.get("upload_id").asText(), token).json();
        assertThat(upload.get("part_size").asLong()).isEqualTo(64L * MIB);
        assertThat(upload.get("part_count").asInt()).isEqualTo(2);
        assertThat(sha256(download(token, uploaded.get("file_id").asText()))).isEqualTo(sha256(data));
    }

    @Test
    void showsAProgressBarOnATerminal() throws Exception {
        byte[] data = randomBytes(6 * MIB, 42);
        Path file = Files.write(dir.resolve(uniqueName("bar")), data);
        String command = String.join(" ", javaCommand(List.of("upload", file.toString(), "--through-service",
                "--part-size", "5MiB", "--limit-rate", "3MiB")).stream().map(a -> "'" + a + "'").toList());
        Result result = runCommand(List.of("script", "-qfec", command, "/dev/null"), environment());
        assertThat(result.exit()).as(result.stdout() + result.stderr()).isZero();
        String screen = result.stdout();
        assertThat(screen).contains("\rupload [").contains("[" + "#".repeat(30) + "] 100%").contains("6.0 MiB/6.0 MiB")
                .containsPattern("MiB/s \\d+:\\d\\d left");
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("(?m)^([0-9a-f-]{36})\\s*$").matcher(screen);
        assertThat(printed.find()).as("the file id printed after the bar: " + screen).isTrue();
        String fileId = printed.group(1);
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
    }

    @Test
    void aDownloadKilledMidwayResumesAndChecksItsSha256() throws Exception {
        byte[] data = randomBytes(7 * MIB, 43);
        String fileId = uploadSmall(token, uniqueName("download"), data);
        Path target = dir.resolve("out.bin");
        Path partial = dir.resolve("out.bin.part");

        Process first = start(List.of("download", fileId, "-o", target.toString(), "--limit-rate", "1MiB"),
                environment(), "download");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(partial) && Files.size(partial) >= 2L * MIB);
        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long kept = Files.size(partial);
        assertThat(kept).isLessThan(data.length);
        assertThat(target).doesNotExist();

        Result second = run(List.of("download", fileId, "-o", target.toString(), "--json"), environment());
        assertThat(second.exit()).as(second.stderr()).isZero();
        JsonNode result = Api.JSON.readTree(second.stdout());
        assertThat(result.get("resumed_from").asLong()).isEqualTo(kept);
        assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(data));
        assertThat(partial).doesNotExist();
    }

    @Test
    void aPartialDownloadThatDoesNotMatchIsAChecksumMismatch() throws Exception {
        String fileId = uploadSmall(token, uniqueName("mismatch"), randomBytes(2 * MIB, 44));
        Path partial = Files.write(dir.resolve("bad.bin.part"), new byte[MIB]);

        Result result = run(List.of("download", fileId, "-o", dir.resolve("bad.bin").toString()), environment());
        assertThat(result.exit()).as(result.stderr()).isEqualTo(5);
        assertThat(result.stderr()).contains("SHA-256");
        assertThat(partial).as("a corrupt partial is not resumed again").doesNotExist();
        assertThat(dir.resolve("bad.bin")).doesNotExist();
    }

    @Test
    void listsSharesAndDeletesFiles() throws Exception {
        String name = uniqueName("listed");
        String fileId = uploadSmall(token, name, randomBytes(1000, 45));

        Result listed = run(List.of("ls"), environment());
        assertThat(listed.exit()).as(listed.stderr()).isZero();
        assertThat(listed.stdout()).startsWith("FILE_ID").contains(fileId).contains(name);
        Result versions = run(List.of("versions", fileId, "--json"), environment());
        assertThat(Api.JSON.readTree(versions.stdout()).get(0).get("version").asLong()).isEqualTo(1);

        Result shared = run(List.of("share", fileId, "--expires-in", "1h", "--max-downloads", "2", "--json"),
                environment());
        assertThat(shared.exit()).as(shared.stderr()).isZero();
        JsonNode share = Api.JSON.readTree(shared.stdout());
        assertThat(share.get("max_downloads").asInt()).isEqualTo(2);
        assertThat(api.get("/v1/shares/" + share.get("token").asText(), null).json().get("filename").asText())
                .isEqualTo(name);

        assertThat(run(List.of("rm", fileId), environment()).exit()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + fileId, token).status() == 404);
        Result gone = run(List.of("versions", fileId), environment());
        assertThat(gone.exit()).isEqualTo(2);
        assertThat(gone.stderr()).contains("not-found");
    }

    @Test
    void aRefusalIsExitCodeTwoWithTheProblemCode() throws Exception {
        String missing = java.util.UUID.randomUUID().toString();
        String code = api.get("/v1/files/" + missing, token).json().get("code").asText();

        Result result = run(List.of("download", missing), environment());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.stderr()).contains(code);
        assertThat(dir.resolve(missing)).doesNotExist();
    }

    @Test
    void depotDownIsExitCodeThreeAfterRetries() throws Exception {
        Map<String, String> environment = environment();
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            environment.put("DEPOT_URL", "http://127.0.0.1:" + socket.getLocalPort());
        }
        Result result = run(List.of("ls"), environment);
        assertThat(result.exit()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stderr()).contains("cannot reach");
    }

    @Test
    void loginWithADevUserStoresCredentialsTheOtherCommandsUse() throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of("DEPOT_CONFIG_DIR", configDir.toString()));
        Result login = run(List.of("login", "--url", "http://127.0.0.1:" + port, "--dev-user", "cli-login"),
                environment);
        assertThat(login.exit()).as(login.stderr()).isZero();
        assertThat(Files.getPosixFilePermissions(configDir.resolve("credentials.json")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Result listed = run(List.of("ls", "--json"), environment);
        assertThat(listed.exit()).as(listed.stderr()).isZero();
        assertThat(Api.JSON.readTree(listed.stdout()).isArray()).isTrue();
    }

    // ---- running the CLI ------------------------------------------------------------------------------

    record Result(int exit, String stdout, String stderr) {
    }

    private Map<String, String> environment() {
        return new HashMap<>(Map.of("DEPOT_URL", "http://127.0.0.1:" + port, "DEPOT_TOKEN", token,
                "DEPOT_CONFIG_DIR", configDir.toString()));
    }

    private static Path cliJar() {
        Path jar = Path.of(System.getProperty("depot.cli.jar", "../../cli/target/depot-cli.jar")).toAbsolutePath();
        assertThat(jar).as("the CLI's jar: run mvn verify (or package) from the project's root").exists();
        return jar;
    }

    private static List<String> javaCommand(List<String> arguments) {
        return javaCommand(arguments, "-Xmx256m");
    }

    private static List<String> javaCommand(List<String> arguments, String heap) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", heap, "-jar", cliJar().toString()));
        command.addAll(arguments);
        return command;
    }

    private Process start(List<String> arguments, Map<String, String> environment, String name) throws IOException {
        return process(javaCommand(arguments), environment, dir.resolve(name + ".out"), dir.resolve(name + ".err"));
    }

    private Process process(List<String> command, Map<String, String> environment, Path out, Path err)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("DEPOT_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private Result run(List<String> arguments, Map<String, String> environment) throws Exception {
        return runCommand(javaCommand(arguments), environment);
    }

    private Result runCommand(List<String> command, Map<String, String> environment) throws Exception {
        String name = "run-" + System.nanoTime();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process process = process(command, environment, out, err);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the CLI ended").isTrue();
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String awaitUploadId() {
        List<String> found = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!Files.isDirectory(configDir.resolve("uploads"))) {
                return false;
            }
            try (Stream<Path> states = Files.list(configDir.resolve("uploads"))) {
                for (Path state : states.filter(f -> f.toString().endsWith(".json")).toList()) {
                    found.add(Api.JSON.readTree(state.toFile()).get("upload_id").asText());
                    return true;
                }
            }
            return false;
        });
        return found.get(0);
    }

    private int partsUploaded(String uploadId) {
        return api.get("/v1/uploads/" + uploadId, token).json().get("parts_uploaded").size();
    }
}
