package io.depot.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rm", description = "Deletes a file, every version of it and its share links.")
final class RemoveCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Parameters(paramLabel = "FILE_ID")
    String fileId;

    @Option(names = "--json", description = "A JSON object on stdout.")
    boolean json;

    @Override
    public Integer call() {
        depot.client().delete("/v1/files/" + fileId);
        if (json) {
            Depot.printJson(Map.of("file_id", fileId, "deleted", true));
        } else {
            System.out.println("deleted " + fileId);
        }
        return 0;
    }
}
