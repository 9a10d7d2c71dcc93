package io.depot.worker.rendition;

import io.depot.file.Transform;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.geometry.Positions;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntBinaryOperator;

/**
 * Makes the configured renditions, or one transform, of one image read from a stream. The header is read first and an
 * image that declares more pixels than allowed is refused before anything is allocated for it; the rest is decoded
 * subsampled, to about twice the largest output, so memory follows the outputs' size rather than the original's.
 */
final class Renderer {

    private final RenditionProperties properties;

    Renderer(RenditionProperties properties) {
        this.properties = properties;
    }

    /** The names the configured renditions get: {@code <size>.<extension>}. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        for (int size : properties.sizes()) {
            for (RenditionProperties.Format format : properties.formats()) {
                names.add(size + "." + format.extension);
            }
        }
        return names;
    }

    /**
     * Renders every configured size and format.
     *
     * @throws NotRenderable when the bytes are no image ImageIO reads, the image declares too many pixels, or it is
     *                       corrupt
     * @throws IOException   when reading the stream fails (storage): worth retrying
     */
    List<Rendition> render(InputStream in) throws IOException {
        int largest = properties.sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
        BufferedImage source = decode(in, (width, height) -> Math.max(width, height) / (2 * largest)).image();
        // Largest first, each size resized from the one before: the full decoded image is resized once.
        List<Integer> sizes = properties.sizes().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        java.util.Map<Integer, BufferedImage> resized = new java.util.HashMap<>();
        for (int size : sizes) {
            source = resize(source, size);
            resized.put(size, source);
        }
        List<Rendition> renditions = new ArrayList<>();
        for (int size : properties.sizes()) {
            for (RenditionProperties.Format format : properties.formats()) {
                renditions.add(encode(resized.get(size), size + "." + format.extension, format));
            }
        }
        return renditions;
    }

    /**
     * Renders one transform: the image fitted to the box as the transform asks, enlarged where the box is larger.
     *
     * @throws NotRenderable as {@link #render}
     */
    Rendition transform(InputStream in, Transform transform) throws IOException {
        Decoded decoded = decode(in, (width, height) -> {
            Box box = Box.of(width, height, transform);
            return Math.min(width / (2 * box.scaledWidth()), height / (2 * box.scaledHeight()));
        });
        Box box = Box.of(decoded.width(), decoded.height(), transform);
        BufferedImage output = transform.fit() == Transform.Fit.COVER
                ? Thumbnails.of(decoded.image()).size(box.width(), box.height()).crop(Positions.CENTER)
                .asBufferedImage()
                : Thumbnails.of(decoded.image()).forceSize(box.width(), box.height()).asBufferedImage();
        return encode(output, transform.name(), RenditionProperties.Format.valueOf(transform.format().name()));
    }

    /**
     * A transform's output size for an image of {@code width} x {@code height}, and the size the image is scaled to
     * before a cover's crop (the output size otherwise).
     */
    record Box(int width, int height, int scaledWidth, int scaledHeight) {

        static Box of(int width, int height, Transform t) {
            if (t.height() == null || (t.width() != null && t.fit() == Transform.Fit.CONTAIN
                    && (long) t.width() * height <= (long) t.height() * width)) {
                int h = side(height, t.width(), width);
                return new Box(t.width(), h, t.width(), h);
            }
            if (t.width() == null || t.fit() == Transform.Fit.CONTAIN) {
                int w = side(width, t.height(), height);
                return new Box(w, t.height(), w, t.height());
            }
            if (t.fit() == Transform.Fit.FILL) {
                return new Box(t.width(), t.height(), t.width(), t.height());
            }
            double scale = Math.max((double) t.width() / width, (double) t.height() / height);
            return new Box(t.width(), t.height(), Math.max(t.width(), (int) Math.ceil(width * scale)),
                    Math.max(t.height(), (int) Math.ceil(height * scale)));
        }

        /** {@code side} scaled by {@code to / from}, rounded, at least one pixel. */
        private static int side(int side, int to, int from) {
            return (int) Math.max(1, Math.round((double) side * to / from));
        }
    }

    /** The decoded (perhaps subsampled) image, and the size its header declares. */
    private record Decoded(BufferedImage image, int width, int height) {
    }

    /** {@code step} answers, from the declared size, how many pixels to read as one (less than one reads them all). */
    private Decoded decode(InputStream in, IntBinaryOperator step) throws IOException {
        Source source = new Source(in);
        try (ImageInputStream stream = new MemoryCacheImageInputStream(source)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                source.rethrowFailure();
                throw new NotRenderable("its bytes are not an image of a format Depot reads");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                int width;
                int height;
                try {
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    source.rethrowFailure();
                    throw new NotRenderable("its image header cannot be read: " + e.getMessage());
                }
                long pixels = (long) width * height;
                if (width < 1 || height < 1 || pixels > properties.maxPixels()) {
                    throw new NotRenderable("it declares " + width + " x " + height + " pixels; renditions are made of "
                            + "images of at most " + properties.maxPixels() + " pixels");
                }
                int every = Math.max(1, step.applyAsInt(width, height));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(every, every, 0, 0);
                try {
                    return new Decoded(reader.read(0, param), width, height);
                } catch (IOException | RuntimeException e) {
                    source.rethrowFailure();
                    throw new NotRenderable("its image data is corrupt: " + e.getMessage());
                }
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The object's stream, noting whether reading it failed: a decoder reports a stream that broke (storage went
     * away) as it reports a corrupt image, and only the second is the image's fault.
     */
    private static final class Source extends FilterInputStream {

        private Exception failure;

        Source(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failure = e;
                throw e;
            }
        }

        void rethrowFailure() throws IOException {
            if (failure instanceof IOException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
        }
    }

    /** The image with its long side at most {@code size}: never enlarged. */
    private static BufferedImage resize(BufferedImage image, int size) throws IOException {
        if (Math.max(image.getWidth(), image.getHeight()) <= size) {
            return image;
        }
        return Thumbnails.of(image).size(size, size).keepAspectRatio(true).asBufferedImage();
    }

    private static Rendition encode(BufferedImage image, String name, RenditionProperties.Format format)
            throws IOException {
        BufferedImage written = image;
        if (format == RenditionProperties.Format.JPEG && image.getType() != BufferedImage.TYPE_INT_RGB) {
            // JPEG has no alpha channel: flatten onto white, or the encoder writes colours no viewer reads right.
            written = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = written.createGraphics();
            g.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(written, format.extension, out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        return new Rendition(name, format.contentType, written.getWidth(),
                written.getHeight(), out.toByteArray());
    }

    /** One rendition, encoded. */
    record Rendition(String name, String contentType, int width, int height, byte[] bytes) {
    }

    /** The image cannot be rendered whatever is retried: recorded as the version's rendition failure. */
    static final class NotRenderable extends IOException {
        NotRenderable(String reason) {
            super(reason);
        }
    }
}
