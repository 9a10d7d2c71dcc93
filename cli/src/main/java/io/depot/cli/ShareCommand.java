package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "share", description = {"Makes a share link to a file, usable without a token.", "Prints its URL."})
final class ShareCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Parameters(paramLabel = "FILE_ID")
    String fileId;

    @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "1d", converter = DurationConverter.class,
            description = "How long the link works: 3600, 30m, 12h, 7d (default 1d, at most 30d).")
    Duration expiresIn;

    @Option(names = "--max-downloads", paramLabel = "N", description = "Downloads the link allows (default: no limit).")
    Integer maxDownloads;

    @Option(names = "--version", paramLabel = "N", description = "Shares that version (default: the newest at each use).")
    Long version;

    @Option(names = "--json", description = "A JSON object on stdout.")
    boolean json;

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Units.parseDuration(value);
        }
    }

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("expires_in", expiresIn.toSeconds());
        if (maxDownloads != null) {
            body.put("max_downloads", maxDownloads);
        }
        if (version != null) {
            body.put("version", version);
        }
        JsonNode share = depot.client().post("/v1/files/" + fileId + "/shares", body);
        if (json) {
            Depot.printJson(share);
        } else {
            System.out.println(share.get("url").asText());
        }
        return 0;
    }
}
