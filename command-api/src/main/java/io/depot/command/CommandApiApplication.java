package io.depot.command;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The command service: uploads and changes to files, and the sagas and workers that follow them. */
@SpringBootApplication(scanBasePackages = {"io.depot.command", "io.depot.saga", "io.depot.worker"})
public class CommandApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(CommandApiApplication.class, args);
    }
}
