package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a resumed upload needs to find its upload again: one file per local file under {@code <config dir>/uploads},
 * named by the SHA-256 of the file's absolute path, size and modification time, so a changed file starts afresh.
 */
record UploadState(String uploadId, String fileId, String sha256, long size) {

    static Path file(Path configDir, Path local) {
        try {
            Path absolute = local.toAbsolutePath().normalize();
            String key = absolute + "\n" + Files.size(local) + "\n" + Files.getLastModifiedTime(local).toMillis();
            return configDir.resolve("uploads").resolve(Checksums.sha256(key.getBytes(StandardCharsets.UTF_8)) + ".json");
        } catch (IOException e) {
            throw Failure.io("cannot read " + local, e);
        }
    }

    static UploadState read(Path stateFile) {
        if (!Files.exists(stateFile)) {
            return null;
        }
        try {
            JsonNode node = Config.JSON.readTree(stateFile.toFile());
            return new UploadState(node.get("upload_id").asText(), node.get("file_id").asText(),
                    node.get("sha256").asText(), node.get("size").asLong());
        } catch (IOException | RuntimeException e) {
            // A state file cut short or edited by hand: start the upload afresh.
            return null;
        }
    }

    void write(Path stateFile) {
        Config.writePrivate(stateFile, Config.JSON.createObjectNode().put("upload_id", uploadId)
                .put("file_id", fileId).put("sha256", sha256).put("size", size));
    }
}
