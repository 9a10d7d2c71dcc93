package io.depot.platform.testing;

import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;

/** Stops a server a test JVM started when that JVM exits, however its tests ended. */
final class StopAtExit {

    private StopAtExit() {
    }

    static void register(String name, Closeable server) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                LoggerFactory.getLogger(StopAtExit.class).warn("{} did not stop cleanly", name, e);
            }
        }, "stop-" + name));
    }
}
