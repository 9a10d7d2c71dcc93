package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * tus-js-client, the tus project's own JavaScript client, run by Node from {@code src/test/node/tus-upload.mjs}: its
 * exact version comes from the committed lock file, installed once per build with {@code npm ci}.
 */
final class TusJsClient {

    private static final Path SOURCE = Path.of("src/test/node");
    private static final Path HOME = Path.of("target/tus-js-client");

    private TusJsClient() {
    }

    /** Runs one scenario (see the script) and answers the JSON line it prints. */
    static JsonNode run(Map<String, Object> spec) throws IOException, InterruptedException {
        install();
        Process node = new ProcessBuilder("node", "tus-upload.mjs", Api.write(spec))
                .directory(HOME.toFile())
                .redirectErrorStream(false)
                .start();
        byte[] stdout = node.getInputStream().readAllBytes();
        String stderr = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
            throw new AssertionError("tus-js-client did not finish within 5 minutes");
        }
        String out = new String(stdout, StandardCharsets.UTF_8).trim();
        if (node.exitValue() != 0 || out.isEmpty()) {
            throw new AssertionError("tus-js-client failed (exit " + node.exitValue() + "): " + out + stderr);
        }
        List<String> lines = out.lines().toList();
        return Api.JSON.readTree(lines.get(lines.size() - 1));
    }

    private static synchronized void install() throws IOException, InterruptedException {
        Files.createDirectories(HOME);
        for (String file : List.of("package.json", "package-lock.json", "tus-upload.mjs")) {
            Files.copy(SOURCE.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(HOME.resolve("node_modules/tus-js-client"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new AssertionError("npm ci of tus-js-client failed (Node.js and npm must be installed; .ci/run "
                    + "installs them): " + output);
        }
    }
}
