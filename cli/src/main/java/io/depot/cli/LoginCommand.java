package io.depot.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "login", description = "Stores Depot's URL and a token in the credentials file.")
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    Depot depot;

    @Option(names = "--url", description = "Depot's URL (default: DEPOT_URL, the stored one, or http://localhost:8080).")
    String url;

    @ArgGroup(multiplicity = "1")
    Identity identity;

    static final class Identity {
        @Option(names = "--token", description = "A bearer token (JWT) to use.", required = true)
        String token;

        @Option(names = "--dev-user", description = "Asks an all-in-one Depot for a development token for this user.",
                required = true)
        String devUser;
    }

    @Override
    public Integer call() {
        String base = url != null ? url.replaceAll("/+$", "") : depot.config.url();
        String token = identity.token;
        if (token == null) {
            token = new Client(base, null).post("/v1/dev/tokens", Map.of("user_id", identity.devUser))
                    .get("access_token").asText();
        }
        depot.config.saveCredentials(base, token);
        System.out.println("credentials for " + base + " stored in " + depot.config.credentialsFile());
        return 0;
    }
}
