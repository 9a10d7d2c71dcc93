package io.depot.platform.web;

import org.springframework.http.server.reactive.ServerHttpRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The address a request came from. Behind a load balancer the TCP peer is the balancer: when the peer is one of
 * {@code depot.web.trusted-proxies} (addresses or CIDR blocks), the client is the right-most
 * {@code X-Forwarded-For} entry that is not itself a trusted proxy. Entries a client wrote itself sit further left
 * and are never believed.
 */
public final class ClientAddress {

    private final List<Cidr> trusted;

    public ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().filter(s -> !s.isBlank()).map(Cidr::parse).toList();
    }

    public String of(ServerHttpRequest request) {
        return of(request.getRemoteAddress(), request.getHeaders().getOrEmpty("X-Forwarded-For"));
    }

    /** The client behind a TCP peer, given the request's {@code X-Forwarded-For} values (none if it had none). */
    public String of(InetSocketAddress remote, List<String> forwardedFor) {
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        InetAddress peer = remote.getAddress();
        if (!isTrusted(peer)) {
            return peer.getHostAddress();
        }
        List<String> forwarded = forwardedFor.stream()
                .flatMap(h -> java.util.Arrays.stream(h.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (int i = forwarded.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(forwarded.get(i));
            if (hop == null) {
                break;
            }
            if (!isTrusted(hop)) {
                return hop.getHostAddress();
            }
        }
        return peer.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        return trusted.stream().anyMatch(c -> c.contains(address));
    }

    /** An IP literal, never a name to resolve. */
    private static InetAddress literal(String text) {
        if (!text.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            String[] parts = text.trim().split("/");
            InetAddress address = literal(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("depot.web.trusted-proxies: not an address or CIDR block: " + text);
            }
            byte[] bytes = address.getAddress();
            return new Cidr(bytes, parts.length > 1 ? Integer.parseInt(parts[1]) : bytes.length * 8);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
