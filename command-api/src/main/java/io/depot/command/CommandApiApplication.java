package io.depot.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The command service: uploads and changes to files, and the sagas that follow them. */
@SpringBootApplication(scanBasePackages = {"io.depot.command", "io.depot.saga"})
public class CommandApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(CommandApiApplication.class, args);
    }
}
