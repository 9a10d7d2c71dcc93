package io.depot.platform.axon;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A stream read on another thread, up to {@code capacity} elements ahead of its reader, in the same order. A processor
 * reading the event store on its own fetched each batch (a query, its rows, the events made of them) and only then
 * handled it; read ahead, the next batch is fetched while the processor handles this one. A failure of the source
 * reaches the reader where it happened; a reader that is interrupted, or closes the stream early, ends it there,
 * and the source is closed on the reading thread.
 */
final class ReadAhead<T> implements Iterator<T> {

    private static final Object END = new Object();

    private record Failure(RuntimeException cause) {
    }

    private final BlockingQueue<Object> queue;
    private volatile boolean closed;
    private Object next;
    private boolean done;

    private ReadAhead(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** {@code source}, read on a thread of {@code executor}; closing the returned stream stops the reading. */
    static <T> Stream<T> of(Stream<T> source, int capacity, Executor executor) {
        ReadAhead<T> ahead = new ReadAhead<>(capacity);
        executor.execute(() -> ahead.read(source));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(ahead, Spliterator.ORDERED), false)
                .onClose(ahead::close);
    }

    private void read(Stream<T> source) {
        try (source) {
            Iterator<T> elements = source.iterator();
            while (!closed && elements.hasNext()) {
                if (!offer(elements.next())) {
                    return;
                }
            }
            offer(END);
        } catch (RuntimeException e) {
            offer(new Failure(e));
        } catch (Error e) {
            offer(new Failure(new IllegalStateException("reading events failed", e)));
            throw e;
        }
    }

    /** Waits for room; false once the reader has gone. */
    private boolean offer(Object element) {
        try {
            while (!closed) {
                if (queue.offer(element, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (done) {
            return false;
        }
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                // Ended early, as a bounded read ends: the reader goes on from the last element it took.
                Thread.currentThread().interrupt();
                close();
                return false;
            }
        }
        if (next == END) {
            done = true;
            return false;
        }
        if (next instanceof Failure failure) {
            done = true;
            close();
            throw failure.cause();
        }
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = (T) next;
        next = null;
        return element;
    }

    private void close() {
        done = true;
        closed = true;
        queue.clear();
    }
}
