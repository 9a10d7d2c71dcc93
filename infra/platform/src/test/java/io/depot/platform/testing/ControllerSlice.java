package io.depot.platform.testing;

import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A {@code @WebFluxTest} of a Depot controller: Depot's security and problems ({@link WebSlice}), Axon's buses
 * answering for the services behind the controller ({@link AnsweringBuses}), cleared after each test.
 */
@Import({WebSlice.class, AnsweringBuses.class})
public abstract class ControllerSlice {

    @Autowired
    protected WebTestClient http;
    @Autowired
    protected AnsweringBuses buses;

    @AfterEach
    void clearBuses() {
        buses.clear();
    }
}
