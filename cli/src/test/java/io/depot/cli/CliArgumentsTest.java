package io.depot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CliArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void sizesAndDurationsReadAsPeopleTypeThem() {
        assertThat(Units.parseSize("5MiB")).isEqualTo(5L << 20);
        assertThat(Units.parseSize("5m")).isEqualTo(5L << 20);
        assertThat(Units.parseSize("64k")).isEqualTo(64L << 10);
        assertThat(Units.parseSize("123")).isEqualTo(123);
        assertThat(Units.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Units.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Units.bytes(30L << 20)).isEqualTo("30.0 MiB");
    }

    @Test
    void anUnknownOptionOrBadValueIsAUsageError() {
        assertThat(run("upload", "--parallel", "many", "x")).isEqualTo(Failure.USAGE);
        assertThat(run("share", "id", "--expires-in", "soon")).isEqualTo(Failure.USAGE);
        assertThat(run("download")).isEqualTo(Failure.USAGE);
        assertThat(run("frobnicate")).isEqualTo(Failure.USAGE);
        assertThat(run("login")).as("login needs --token or --dev-user").isEqualTo(Failure.USAGE);
        assertThat(run("login", "--token", "t", "--dev-user", "u")).isEqualTo(Failure.USAGE);
    }

    @Test
    void aFileThatCannotBeReadIsALocalError() {
        Depot depot = new Depot();
        depot.config = new Config(Map.of("DEPOT_CONFIG_DIR", dir.toString(), "DEPOT_TOKEN", "t",
                "DEPOT_URL", "http://127.0.0.1:1"));
        CommandLine line = Depot.commandLine(depot);
        StringWriter err = new StringWriter();
        line.setErr(new PrintWriter(err));
        assertThat(line.execute("upload", dir.resolve("missing.bin").toString())).isEqualTo(Failure.LOCAL_IO);
        assertThat(err.toString()).contains("missing.bin");
    }

    @Test
    void aRetriedPartIsCountedOnce() throws Exception {
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        try (Progress progress = new Progress("upload", 100, 0, 0, false, new java.io.PrintStream(screen))) {
            var body = progress.resending(() -> new java.io.ByteArrayInputStream(new byte[100]));
            body.get().readNBytes(60);
            body.get().readAllBytes();
            assertThat(progress.sentThisRun()).isEqualTo(100);
        }
        assertThat(screen.toString()).contains("upload 100%");
    }

    @Test
    void parsesUploadOptions() {
        Depot depot = new Depot();
        CommandLine.ParseResult parsed = Depot.commandLine(depot).parseArgs("upload", "a.bin", "b.bin",
                "--through-service", "--parallel", "2", "--part-size", "5MiB", "--json");
        UploadCommand upload = (UploadCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(upload.files).containsExactly(Path.of("a.bin"), Path.of("b.bin"));
        assertThat(upload.throughService).isTrue();
        assertThat(upload.parallel).isEqualTo(2);
        assertThat(upload.partSize).isEqualTo(5L << 20);
        assertThat(upload.json).isTrue();
    }

    @Test
    void loginStoresCredentialsForItsOwnerOnlyAndTheEnvironmentOverridesThem() throws Exception {
        Depot depot = new Depot();
        depot.config = new Config(Map.of("DEPOT_CONFIG_DIR", dir.toString()));
        assertThat(Depot.commandLine(depot).execute("login", "--url", "http://depot.test/", "--token", "abc")).isZero();
        Path credentials = dir.resolve("credentials.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
        assertThat(depot.config.url()).isEqualTo("http://depot.test");
        assertThat(depot.config.token()).isEqualTo("abc");

        Config overridden = new Config(Map.of("DEPOT_CONFIG_DIR", dir.toString(), "DEPOT_URL", "http://other:1",
                "DEPOT_TOKEN", "xyz"));
        assertThat(overridden.url()).isEqualTo("http://other:1");
        assertThat(overridden.token()).isEqualTo("xyz");
    }

    @Test
    void theStateFileNamesTheFileByPathSizeAndModificationTime() throws Exception {
        Path file = Files.write(dir.resolve("a.bin"), new byte[10]);
        Path state = UploadState.file(dir, file);
        assertThat(state.getParent()).isEqualTo(dir.resolve("uploads"));
        new UploadState("u1", "f1", "abc", 10).write(state);
        assertThat(UploadState.read(state)).isEqualTo(new UploadState("u1", "f1", "abc", 10));

        Files.write(file, new byte[11]);
        assertThat(UploadState.file(dir, file)).as("a changed file is a new upload").isNotEqualTo(state);

        Files.writeString(state, "{\"upload_id\":");
        assertThat(UploadState.read(state)).as("a state file cut short starts afresh").isNull();
    }

    private static int run(String... args) {
        CommandLine line = Depot.commandLine(new Depot());
        line.setErr(new PrintWriter(new StringWriter()));
        return line.execute(args);
    }

}
