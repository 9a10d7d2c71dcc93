package io.depot.allinone;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;

/** {@code POST /v1/dev/tokens}: a token for any user id, for callers on this machine only. */
@RestController
@Conditional(DevTokens.NoIdentityProvider.class)
class DevTokenController {

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
        return new TokenResponse(issuer.issue(request.userId()), "Bearer", DevTokens.LIFETIME.toSeconds());
    }

    record TokenRequest(@NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9._@-]+",
            message = "may hold letters, digits and . _ @ - only") String userId) {
    }

    record TokenResponse(String accessToken, String tokenType, long expiresIn) {
    }
}
