package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code depot}: uploads, downloads and manages files in Depot from a shell. Exit codes: 0 ok, 1 usage error,
 * 2 refused by Depot, 3 Depot or storage unavailable, 4 local I/O error, 5 checksum mismatch.
 */
@Command(name = "depot", mixinStandardHelpOptions = true, version = "depot 0.1.0",
        description = "Uploads, downloads and manages files in Depot.",
        subcommands = {LoginCommand.class, UploadCommand.class, DownloadCommand.class, ListCommand.class,
                RemoveCommand.class, VersionsCommand.class, ShareCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:usage error", "2:refused by Depot (its problem code and detail on stderr)",
                "3:Depot or storage unavailable, after retries", "4:local I/O error", "5:checksum mismatch"})
public final class Depot implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Config config = new Config(System.getenv());

    public static void main(String[] args) {
        System.exit(commandLine(new Depot()).execute(args));
    }

    static CommandLine commandLine(Depot depot) {
        CommandLine line = new CommandLine(depot);
        line.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("depot: " + e.getMessage());
            e.getCommandLine().usage(err);
            return Failure.USAGE;
        });
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            PrintWriter err = command.getErr();
            if (e instanceof Failure failure) {
                err.println("depot: " + failure.getMessage());
                return failure.exitCode;
            }
            err.println("depot: " + e);
            return Failure.LOCAL_IO;
        });
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    Client client() {
        return new Client(config.url(), config.token());
    }

    /** The user the token names ({@code sub}), read from the JWT without checking it: Depot checks it. */
    String user() {
        String[] parts = config.token().split("\\.");
        if (parts.length < 2) {
            throw new Failure(Failure.USAGE, "the token is not a JWT");
        }
        try {
            JsonNode claims = Config.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            return claims.get("sub").asText();
        } catch (java.io.IOException | RuntimeException e) {
            throw new Failure(Failure.USAGE, "the token names no user (sub)");
        }
    }

    static void printJson(Object value) {
        try {
            System.out.println(Config.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
