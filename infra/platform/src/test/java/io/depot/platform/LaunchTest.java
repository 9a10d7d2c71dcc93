package io.depot.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service whose start fails ends its process, although a non-daemon thread runs: like Axon's task janitor, which
 * kept a Depot that failed to start (its port taken) alive for good after it had caught up on events.
 */
class LaunchTest {

    @TempDir
    Path dir;

    @Test
    void aFailedStartEndsTheProcessWithStatusOne() throws Exception {
        Path log = dir.resolve("failing.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FailingService.class.getName()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process ended; see %s", log).isTrue();
            assertThat(process.exitValue()).isEqualTo(Launch.FAILED_START);
            assertThat(Files.readString(log)).contains("a bean that cannot be made").contains("still running");
        } finally {
            process.destroyForcibly();
        }
    }

    /** A service with a non-daemon thread running when its start fails. */
    @SpringBootConfiguration
    static class FailingService {

        public static void main(String[] args) {
            Thread lingering = new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "lingering");
            lingering.start();
            System.out.println("a non-daemon thread is still running");
            Launch.run(FailingService.class, new String[]{"--spring.main.web-application-type=none",
                    "--spring.main.banner-mode=off"});
        }

        @Bean
        String unmakeable() {
            throw new IllegalStateException("a bean that cannot be made");
        }
    }
}
