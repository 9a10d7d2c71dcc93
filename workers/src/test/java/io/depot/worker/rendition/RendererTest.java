package io.depot.worker.rendition;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RendererTest {

    private static final RenditionProperties PROPERTIES = new RenditionProperties(true, List.of(128, 512),
            List.of(RenditionProperties.Format.JPEG, RenditionProperties.Format.PNG),
            List.of("image/jpeg", "image/png"), 50_000_000, DataSize.ofMegabytes(100));

    private final Renderer renderer = new Renderer(PROPERTIES);

    static byte[] image(int width, int height, String format) throws IOException {
        BufferedImage image = new BufferedImage(width, height,
                format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLUE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    /** A valid PNG of a few dozen bytes whose header declares {@code width} x {@code height} pixels. */
    static byte[] bomb(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        return png(ihdr.array(), new byte[]{0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    }

    static byte[] png(byte[] ihdr, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static BufferedImage decode(Renderer.Rendition rendition) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(rendition.bytes()));
    }

    @Test
    void aJpegGetsEverySizeInEveryFormatWithItsAspectKept() throws IOException {
        List<Renderer.Rendition> renditions = renderer.render(new ByteArrayInputStream(image(1600, 1200, "jpg")));

        assertThat(renditions).extracting(Renderer.Rendition::name)
                .containsExactly("128.jpg", "128.png", "512.jpg", "512.png");
        for (Renderer.Rendition rendition : renditions) {
            BufferedImage decoded = decode(rendition);
            int size = rendition.name().startsWith("128") ? 128 : 512;
            assertThat(decoded.getWidth()).isEqualTo(size).isEqualTo(rendition.width());
            assertThat(decoded.getHeight()).isEqualTo(size * 3 / 4).isEqualTo(rendition.height());
        }
        assertThat(renditions.get(0).contentType()).isEqualTo("image/jpeg");
        assertThat(renditions.get(1).contentType()).isEqualTo("image/png");
    }

    @Test
    void aPortraitPngIsBoundedByItsHeightAndASmallOneIsNotEnlarged() throws IOException {
        List<Renderer.Rendition> renditions = renderer.render(new ByteArrayInputStream(image(300, 400, "png")));

        BufferedImage small = decode(renditions.get(1));
        assertThat(small.getWidth()).isEqualTo(96);
        assertThat(small.getHeight()).isEqualTo(128);
        BufferedImage large = decode(renditions.get(3));
        assertThat(large.getWidth()).isEqualTo(300);
        assertThat(large.getHeight()).isEqualTo(400);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderWithoutDecoding() {
        byte[] bomb = bomb(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);

        // 10^10 pixels would take 30 GB decoded: refused before a single row is allocated.
        assertThatThrownBy(() -> renderer.render(new ByteArrayInputStream(bomb)))
                .isInstanceOf(Renderer.NotRenderable.class)
                .hasMessageContaining("100000 x 100000");
    }

    @Test
    void aSmallHeapRefusesTheBombAndRendersAnImageJustUnderTheLimit() throws Exception {
        // 32 MiB of heap: the 49 MP image decoded whole would take 49 MB as grey bytes, the bomb 30 GB.
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                SmallHeapProbe.class.getName()).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(probe.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError")
                .contains("refused: it declares 100000 x 100000 pixels")
                .contains("128.jpg 128x128", "512.png 512x512");
    }

    @Test
    void bytesThatAreNoImageAreNotRenderable() {
        byte[] text = "this is not a JPEG, whatever its name says".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> renderer.render(new ByteArrayInputStream(text)))
                .isInstanceOf(Renderer.NotRenderable.class)
                .hasMessageContaining("not an image");
    }

    @Test
    void aTruncatedImageIsNotRenderable() throws IOException {
        byte[] png = image(800, 600, "png");
        byte[] truncated = java.util.Arrays.copyOf(png, png.length / 3);

        assertThatThrownBy(() -> renderer.render(new ByteArrayInputStream(truncated)))
                .isInstanceOf(Renderer.NotRenderable.class);
    }

    @Test
    void aStreamThatBreaksIsAFailureToRetryNotABadImage() throws IOException {
        byte[] png = image(800, 600, "png");
        InputStream breaking = new InputStream() {
            private int read;

            @Override
            public int read() throws IOException {
                if (read == 200) {
                    throw new IOException("connection reset");
                }
                return png[read++] & 0xff;
            }
        };

        assertThatThrownBy(() -> renderer.render(breaking))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(Renderer.NotRenderable.class)
                .hasMessage("connection reset");
    }

    @Test
    void aTransformFitsContainsCoversOrFillsTheBox() throws IOException {
        byte[] wide = image(1600, 900, "jpg");
        assertThat(transformed(wide, io.depot.file.Transform.of(400, 400, "contain", "png"))).isEqualTo("400x225");
        assertThat(transformed(wide, io.depot.file.Transform.of(400, 400, "cover", "jpeg"))).isEqualTo("400x400");
        assertThat(transformed(wide, io.depot.file.Transform.of(300, 500, "fill", "png"))).isEqualTo("300x500");
        assertThat(transformed(wide, io.depot.file.Transform.of(null, 90, null, null))).isEqualTo("160x90");
        assertThat(transformed(wide, io.depot.file.Transform.of(3200, null, null, null))).as("enlarged to the box")
                .isEqualTo("3200x1800");
        assertThat(transformed(image(90, 1600, "png"), io.depot.file.Transform.of(200, 100, "cover", "png")))
                .as("a tall image covered: the centre band").isEqualTo("200x100");
    }

    @Test
    void aTransformOfABombIsRefusedFromItsHeader() {
        assertThatThrownBy(() -> renderer.transform(new ByteArrayInputStream(bomb(100_000, 100_000)),
                io.depot.file.Transform.of(10, 10, null, null)))
                .isInstanceOf(Renderer.NotRenderable.class).hasMessageContaining("100000 x 100000");
    }

    private String transformed(byte[] source, io.depot.file.Transform transform) throws IOException {
        Renderer.Rendition rendition = renderer.transform(new ByteArrayInputStream(source), transform);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(rendition.bytes()));
        assertThat(rendition.name()).isEqualTo(transform.name());
        assertThat(decoded.getWidth()).isEqualTo(rendition.width());
        assertThat(decoded.getHeight()).isEqualTo(rendition.height());
        return decoded.getWidth() + "x" + decoded.getHeight();
    }
}
