package io.depot.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes {@code [offset, offset + length)} of a file as a stream read from disk as it is sent, so a part is never
 * held in memory whatever its size. The file is closed once the region is read or the stream is closed; a file that
 * ends before the region does was changed while it was uploaded.
 */
final class FileRegion extends InputStream {

    private final Path file;
    private final FileChannel channel;
    private long position;
    private final long end;

    private FileRegion(Path file, FileChannel channel, long offset, long length) {
        this.file = file;
        this.channel = channel;
        this.position = offset;
        this.end = offset + length;
    }

    static InputStream open(Path file, long offset, long length) {
        try {
            return new FileRegion(file, FileChannel.open(file, StandardOpenOption.READ), offset, length);
        } catch (IOException e) {
            throw Failure.io("cannot read " + file, e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
            close();
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
        if (n < 0) {
            close();
            throw new IOException(file + " changed while it was uploaded: it ends at " + position + ", before "
                    + end);
        }
        position += n;
        if (position >= end) {
            close();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
