package io.depot.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilenamesTest {

    @Test
    void namesThatLookTheSameAreTheSameName() {
        String composed = "caf\u00e9.txt";
        String decomposed = "cafe\u0301.txt";
        assertThat(Filenames.normalize(decomposed)).isEqualTo(composed);
        assertThat(FileIds.of("u", Filenames.normalize(decomposed))).isEqualTo(FileIds.of("u", Filenames.normalize(composed)));
    }

    @Test
    void ordinaryNamesPassUnchanged() {
        assertThat(Filenames.normalize("Holiday 2026 (final).jpeg")).isEqualTo("Holiday 2026 (final).jpeg");
        assertThat(Filenames.normalize("\u6587\u4ef6.pdf")).isEqualTo("\u6587\u4ef6.pdf");
        assertThat(Filenames.normalize(".profile")).isEqualTo(".profile");
        assertThat(Filenames.normalize("console.log")).isEqualTo("console.log");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "a/b.txt", "..\\boot.ini", "nul\u0000byte.txt", "tab\there.txt",
            "invoice\u202Efdp.exe", "isolate\u2066x.txt", "bom\uFEFF.txt", "..", ".", " lead.txt", "trail.txt ",
            "trail.", "CON", "con.txt", "LPT1.log", "com\u00b9.txt", " ", ""})
    void misleadingNamesAreRefused(String name) {
        assertThatThrownBy(() -> Filenames.normalize(name))
                .isInstanceOfSatisfying(DepotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FILENAME));
    }

    @Test
    void namesAreLimitedInBytesNotCharacters() {
        assertThat(Filenames.normalize("a".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> Filenames.normalize("a".repeat(256))).isInstanceOf(DepotException.class);
        assertThatThrownBy(() -> Filenames.normalize("\u00e9".repeat(128))).isInstanceOf(DepotException.class);
        assertThatThrownBy(() -> Filenames.normalize("x".repeat(10_000))).isInstanceOf(DepotException.class);
    }

    @Test
    void extensionIsTheLowerCasePartAfterTheLastDot() {
        assertThat(Filenames.extension("Photo.JPG")).isEqualTo("jpg");
        assertThat(Filenames.extension("archive.tar.gz")).isEqualTo("gz");
        assertThat(Filenames.extension(".profile")).isEmpty();
        assertThat(Filenames.extension("README")).isEmpty();
    }
}
