package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

import static io.depot.cli.Table.Column.field;

@Command(name = "ls", description = "Lists your files, newest first.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Option(names = "--json", description = "A JSON array on stdout.")
    boolean json;

    @Override
    public Integer call() {
        List<JsonNode> files = Pages.all(depot.client(), "/v1/users/" + depot.user() + "/files");
        if (json) {
            Depot.printJson(files);
        } else {
            Table.print(System.out, List.of(field("FILE_ID", "file_id"), field("VERSION", "version"), Table.size("size"),
                    field("STATUS", "upload_status"), field("UPDATED", "updated_at"), field("NAME", "filename")), files);
        }
        return 0;
    }
}
