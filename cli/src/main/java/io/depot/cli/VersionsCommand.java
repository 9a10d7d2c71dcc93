package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

import static io.depot.cli.Table.Column.field;

@Command(name = "versions", description = "Lists a file's versions, newest first.")
final class VersionsCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Parameters(paramLabel = "FILE_ID")
    String fileId;

    @Option(names = "--json", description = "A JSON array on stdout.")
    boolean json;

    @Override
    public Integer call() {
        List<JsonNode> versions = Pages.all(depot.client(), "/v1/files/" + fileId + "/versions");
        if (json) {
            Depot.printJson(versions);
        } else {
            Table.print(System.out, List.of(field("VERSION", "version"), Table.size("size"), field("STATUS", "status"),
                    field("STORAGE_CLASS", "storage_class"), field("CREATED", "created_at"), field("SHA256", "sha256")),
                    versions);
        }
        return 0;
    }
}
