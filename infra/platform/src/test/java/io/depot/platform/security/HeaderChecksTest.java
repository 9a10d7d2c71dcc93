package io.depot.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Depot's bearer-token reader and header firewall answer exactly as Spring Security's own, which they replace for
 * speed: the same strings, crafted and random, through both.
 */
class HeaderChecksTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_x";
    private static final List<String> AUTHORIZATIONS = List.of(
            "Bearer " + JWT, "bearer " + JWT, "BEARER " + JWT, "bEaReR " + JWT, "Bearer abc==", "Bearer abc=",
            "Bearer a+b/c~d.e_f-g", "Bearer ", "Bearer", "Bearer  " + JWT, "Bearer " + JWT + " ", "Bearer " + JWT + "\n",
            "Bearer ab=c", "Bearer =", "Bearer ==", "Bearer abc=\t", "Bearer\t" + JWT, "Bearertoken", "bearer:x",
            "Basic YWxpY2U6c2VjcmV0", "Token " + JWT, "", " Bearer " + JWT, "Bearer a b", "Bearer ä", "Bearer a%20b",
            "Bearer abc,def", "Bearer \u0000", "Bearer a\u0130", "bearerbearer", "Bearer a=b=", "B", "bear");

    private final ServerAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();
    private final ServerAuthenticationConverter depot = new BearerTokens();

    @Test
    void theBearerTokenReaderAnswersAsSpringsOwn() {
        List<String> headers = new ArrayList<>(AUTHORIZATIONS);
        Random random = new Random(7);
        String alphabet = "Bbearer =aZ09-._~+/=\t,;ä\u0000";
        for (int i = 0; i < 3000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "");
            for (int n = random.nextInt(12); n > 0; n--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(header.toString());
        }
        for (String header : headers) {
            assertThat(outcome(depot, header)).as("Authorization: [%s]", header).isEqualTo(outcome(spring, header));
        }
        assertThat(outcome(depot, "bearer " + JWT)).isEqualTo("token " + JWT);
        assertThat(outcome(depot, "Basic YWxpY2U6c2VjcmV0")).isEqualTo("none");
        assertThat(outcome(depot, "Bearer a b")).isEqualTo("invalid_token: Bearer token is malformed");
    }

    @Test
    void theFirewallsHeaderRulesAnswerAsSpringsOwn() {
        List<String> texts = new ArrayList<>(List.of("", "plain text", "tab\there", "nul\u0000", "del\u007f",
                "c1\u0085", "c1\u009f", "nbsp\u00a0", "unassigned\u0378", "private\ue000", "emoji\ud83d\ude00",
                "lone\ud83d", "lone\ude00x", "line\u2028", "format\u200b", "cr\r", "lf\n", "ümlaut", "\uffff", "\ufffd"));
        Random random = new Random(11);
        for (int i = 0; i < 20000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x10000) : random.nextInt(0x100)));
            }
            texts.add(text.toString());
        }
        for (String text : texts) {
            assertThat(HeaderFirewall.allowedName(text)).as("name [%s]", text)
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES.test(text))
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES.test(text));
            assertThat(HeaderFirewall.allowedHeaderValue(text)).as("value [%s]", text)
                    .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(text));
        }
        assertThat(HeaderFirewall.allowedHeaderValue(null)).isTrue();
        assertThat(HeaderFirewall.allowedHeaderValue("tab\there")).isTrue();
        assertThat(HeaderFirewall.allowedName("tab\there")).isFalse();
    }

    @Test
    void theFirewallRefusesAHeaderWithAControlCharacter() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/files/f1")
                .header("X-Note", "bell\u0007"));
        var firewalled = HeaderFirewall.strict().getFirewalledExchange(exchange).block();
        assertThatThrownBy(() -> firewalled.getRequest().getHeaders().getFirst("X-Note"))
                .isInstanceOf(ServerExchangeRejectedException.class);
        assertThat(firewalled.getRequest().getHeaders().getFirst("Accept")).isNull();
    }

    /** What a converter makes of an Authorization header: a token, none, or the error it raises. */
    private static String outcome(ServerAuthenticationConverter converter, String authorization) {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/").header("Authorization", authorization));
        try {
            var authentication = converter.convert(exchange).block();
            return authentication == null ? "none"
                    : "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
        } catch (OAuth2AuthenticationException e) {
            return e.getError().getErrorCode() + ": " + e.getError().getDescription();
        }
    }
}
