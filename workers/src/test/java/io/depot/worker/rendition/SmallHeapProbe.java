package io.depot.worker.rendition;

import org.springframework.util.unit.DataSize;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.DeflaterOutputStream;

/**
 * Run in a JVM of a small heap by {@link RendererTest}: refuses a decompression bomb, then renders an image just under
 * the pixel limit, which decoded whole would not fit that heap. Prints what it made; exits 0 only if all went as
 * expected.
 */
final class SmallHeapProbe {

    private SmallHeapProbe() {
    }

    public static void main(String[] args) throws IOException {
        Renderer renderer = new Renderer(new RenditionProperties(true, List.of(128, 512),
                List.of(RenditionProperties.Format.JPEG, RenditionProperties.Format.PNG), List.of("image/png"),
                50_000_000, DataSize.ofMegabytes(100)));
        try {
            renderer.render(new ByteArrayInputStream(RendererTest.bomb(100_000, 100_000)));
            System.out.println("the bomb was rendered");
            System.exit(2);
        } catch (Renderer.NotRenderable refused) {
            System.out.println("refused: " + refused.getMessage());
        }
        for (Renderer.Rendition rendition : renderer.render(new ByteArrayInputStream(grey(7000, 7000)))) {
            System.out.println(rendition.name() + " " + rendition.width() + "x" + rendition.height());
        }
        System.out.println("max heap " + Runtime.getRuntime().maxMemory());
    }

    /** A grey gradient PNG of {@code width} x {@code height}, written row by row without the image in memory. */
    static byte[] grey(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[width + 1];
        for (int x = 0; x < width; x++) {
            row[x + 1] = (byte) (x * 255 / width);
        }
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat)) {
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        }
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        return RendererTest.png(ihdr.array(), idat.toByteArray());
    }
}
