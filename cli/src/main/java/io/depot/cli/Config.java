package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the CLI keeps its state: {@code $DEPOT_CONFIG_DIR}, else {@code ~/.config/depot}. The credentials file holds
 * the URL and token {@code depot login} stored; {@code DEPOT_URL} and {@code DEPOT_TOKEN} override them.
 */
final class Config {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String DEFAULT_URL = "http://localhost:8080";

    final Path dir;
    private final Map<String, String> environment;

    Config(Map<String, String> environment) {
        this.environment = environment;
        String configured = environment.get("DEPOT_CONFIG_DIR");
        this.dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".config", "depot");
    }

    Path credentialsFile() {
        return dir.resolve("credentials.json");
    }

    String url() {
        String url = environment.getOrDefault("DEPOT_URL", stored("url"));
        return url == null ? DEFAULT_URL : url.replaceAll("/+$", "");
    }

    String token() {
        String token = environment.getOrDefault("DEPOT_TOKEN", stored("token"));
        if (token == null) {
            throw new Failure(Failure.USAGE, "not logged in: run depot login, or set DEPOT_TOKEN");
        }
        return token;
    }

    void saveCredentials(String url, String token) {
        ObjectNode node = JSON.createObjectNode().put("url", url).put("token", token);
        writePrivate(credentialsFile(), node);
    }

    private String stored(String field) {
        Path file = credentialsFile();
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node.hasNonNull(field) ? node.get(field).asText() : null;
        } catch (IOException e) {
            throw Failure.io("cannot read " + file, e);
        }
    }

    /** Writes JSON readable by its owner only, replacing the file in one step so a kill never leaves half of it. */
    static void writePrivate(Path file, JsonNode content) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw Failure.io("cannot write " + file, e);
        }
    }
}
