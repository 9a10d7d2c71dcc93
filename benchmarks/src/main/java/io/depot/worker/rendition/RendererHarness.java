package io.depot.worker.rendition;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The image-renditions worker's renderer with the service's default {@code depot.renditions.*}, for the rendition
 * benchmark to time in its own process. It lives in the renderer's package because the renderer is not public.
 */
public final class RendererHarness {

    private final Renderer renderer = new Renderer(Binder.get(new StandardEnvironment())
            .bindOrCreate("depot.renditions", RenditionProperties.class));

    /** How many renditions each image gets: every size in every format. */
    public int renditions() {
        return renderer.names().size();
    }

    /** Decodes the image and makes every rendition, as the worker does; returns their encoded bytes in all. */
    public long render(byte[] image) throws IOException {
        long bytes = 0;
        for (Renderer.Rendition rendition : renderer.render(new ByteArrayInputStream(image))) {
            bytes += rendition.bytes().length;
        }
        return bytes;
    }
}
