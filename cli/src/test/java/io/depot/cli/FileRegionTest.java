package io.depot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileRegionTest {

    @TempDir
    Path dir;

    @Test
    void yieldsExactlyItsRegionAndClosesTheFileAtItsEnd() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("data.bin"), data);

        try (InputStream region = FileRegion.open(file, 100_000, 150_001)) {
            assertThat(region.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 100_000, 250_001));
            assertThat(region.read()).isEqualTo(-1);
        }
        try (InputStream last = FileRegion.open(file, 299_999, 1)) {
            assertThat(last.read()).isEqualTo(data[299_999] & 0xff);
            assertThat(last.read()).isEqualTo(-1);
        }
        try (InputStream empty = FileRegion.open(file, 300_000, 0)) {
            assertThat(empty.read(new byte[10], 0, 10)).isEqualTo(-1);
        }
    }

    @Test
    void aFileThatEndsBeforeItsRegionWasChangedWhileItWasUploaded() throws IOException {
        Path file = Files.write(dir.resolve("short.bin"), new byte[1000]);
        try (InputStream region = FileRegion.open(file, 500, 1000)) {
            assertThatThrownBy(region::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("changed while it was uploaded").hasMessageContaining("ends at 1000, before 1500");
        }
    }
}
