package io.depot.allinone;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code POST /v1/dev/tokens}: a token for any user id, for callers on this machine only. It exists only when
 * {@code depot.embedded.dev-tokens} is on (the all-in-one default turns it on) and no identity provider is
 * configured. A request that came through a proxy is refused: behind a reverse proxy on the same host every caller
 * would look like loopback.
 */
@RestController
@Conditional(DevTokens.NoIdentityProvider.class)
@ConditionalOnProperty(name = "depot.embedded.dev-tokens", havingValue = "true")
class DevTokenController {

    /** Headers a proxy adds; a direct caller on this machine sends none of them. */
    static final List<String> PROXY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Proto", "X-Real-IP", "Via");

    private final DevTokens.DevTokenIssuer issuer;

    DevTokenController(DevTokens.DevTokenIssuer issuer) {
        this.issuer = issuer;
    }

    @PostMapping(path = "/v1/dev/tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
    TokenResponse issue(@Valid @RequestBody TokenRequest request, ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null || !remote.getAddress().isLoopbackAddress()) {
            throw new DepotException(ErrorCode.NOT_FOUND, "no such resource");
        }
        var headers = exchange.getRequest().getHeaders();
        if (PROXY_HEADERS.stream().anyMatch(headers::containsKey)) {
            throw new DepotException(ErrorCode.FORBIDDEN,
                    "development tokens are issued only to callers on this machine, never through a proxy");
        }
        List<String> roles = request.roles() == null ? List.of() : request.roles();
        return new TokenResponse(issuer.issue(request.userId(), roles), "Bearer", DevTokens.LIFETIME.toSeconds());
    }

    /** A user id, and roles beyond an ordinary user's ({@code admin}). */
    record TokenRequest(@NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9._@-]+",
            message = "may hold letters, digits and . _ @ - only") String userId,
                        @Size(max = 4) List<@Pattern(regexp = "user|auditor|admin",
                                message = "must be user, auditor or admin") String> roles) {
    }

    record TokenResponse(String accessToken, String tokenType, long expiresIn) {
    }
}
