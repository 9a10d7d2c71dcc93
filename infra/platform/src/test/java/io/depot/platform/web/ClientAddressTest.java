package io.depot.platform.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {

    private static MockServerHttpRequest from(String peer, String... forwardedFor) {
        var request = MockServerHttpRequest.get("/v1/files/x/download")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        for (String value : forwardedFor) {
            request.header("X-Forwarded-For", value);
        }
        return request.build();
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        var addresses = new ClientAddress(List.of());
        assertThat(addresses.of(from("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        var addresses = new ClientAddress(List.of("10.0.0.0/8"));
        // The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
        assertThat(addresses.of(from("10.1.2.3", "1.2.3.4, 198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(addresses.of(from("10.1.2.3", "198.51.100.9, 10.4.4.4"))).isEqualTo("198.51.100.9");
        assertThat(addresses.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
    }

    @Test
    void anUntrustedPeerCannotClaimAnotherAddress() {
        var addresses = new ClientAddress(List.of("10.0.0.0/8", "::1"));
        assertThat(addresses.of(from("198.51.100.9", "10.0.0.1"))).isEqualTo("198.51.100.9");
        assertThat(addresses.of(from("10.1.2.3", "not-an-address"))).isEqualTo("10.1.2.3");
    }
}
