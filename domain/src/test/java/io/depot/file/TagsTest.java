package io.depot.file;

import io.depot.error.DepotException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagsTest {

    @Test
    void tagsAreSortedWithoutDuplicates() {
        assertThat(Tags.normalize(List.of("project=apollo", "invoice", "invoice", "année=2026")))
                .containsExactly("année=2026", "invoice", "project=apollo");
    }

    @Test
    void malformedTagsAreRefused() {
        for (String bad : List.of("", "=x", "a b", "k=", "k=\u0000", "k=line\nbreak", "x".repeat(65),
                "k=" + "v".repeat(257), "a\u202Eb")) {
            assertThatThrownBy(() -> Tags.normalize(List.of(bad))).as(bad).isInstanceOf(DepotException.class);
        }
    }

    @Test
    void moreThanFiftyTagsAreRefused() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= Tags.MAX_TAGS; i++) {
            many.add("t" + i);
        }
        assertThatThrownBy(() -> Tags.normalize(many)).isInstanceOf(DepotException.class)
                .hasMessageContaining("at most 50");
    }

    @Test
    void aTokenCarriesItsFileAndShareAndOnlyItsSecretsHash() {
        byte[] secret = new byte[ShareTokens.SECRET_BYTES];
        secret[0] = 7;
        String token = ShareTokens.token("6f1c3c1e-0000-3000-8000-000000000001", "0b5e2f44-0000-4000-8000-000000000002", secret);
        var presented = ShareTokens.parse(token).orElseThrow();
        assertThat(presented.fileId()).isEqualTo("6f1c3c1e-0000-3000-8000-000000000001");
        assertThat(presented.shareId()).isEqualTo("0b5e2f44-0000-4000-8000-000000000002");
        assertThat(presented.tokenHash()).isEqualTo(ShareTokens.hash(secret)).doesNotContain(token);
        assertThat(ShareTokens.parse(token.substring(1))).isEmpty();
        assertThat(ShareTokens.parse(token.replace(token.charAt(5), '!'))).isEmpty();
    }
}
