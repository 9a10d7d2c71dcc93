package io.depot.worker.scan;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where ClamAV's clamd listens and how Depot talks to it ({@code depot.scan.clamd.*}).
 *
 * @param address        {@code tcp://host:port} or {@code unix:///path/to/clamd.ctl}; scanning is off while unset
 * @param connectTimeout how long to wait for clamd to accept a connection
 * @param readTimeout    how long clamd may take to answer, and to take more of a stream: clamd answers a scan only
 *                       once it has the whole stream and has scanned it, at about 65 MB/s, so a GiB takes ~15 s
 *                       after its last byte; its own limit on one scan ({@code MaxScanTime}) is 2 min by default
 * @param chunkSize      how much of a stream is read and sent at a time; memory use of a scan is about this much
 * @param maxStreamBytes clamd's {@code StreamMaxLength}: a stream of more bytes is refused by clamd, so an object
 *                       known to be larger is reported too large without being sent (clamd's default is 25M;
 *                       clamd's {@code M} is MiB, as is Spring's {@code MB})
 */
@ConfigurationProperties("depot.scan.clamd")
public record ClamdProperties(
        URI address,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("3m") Duration readTimeout,
        @DefaultValue("64KB") DataSize chunkSize,
        @DefaultValue("25MB") DataSize maxStreamBytes) {

    /** The largest chunk Depot sends; clamd takes any length, this only bounds memory. */
    static final long MAX_CHUNK = 16L * 1024 * 1024;

    public ClamdProperties {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(chunkSize, "chunkSize");
        Objects.requireNonNull(maxStreamBytes, "maxStreamBytes");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("depot.scan.clamd timeouts must be positive");
        }
        if (chunkSize.toBytes() < 1 || chunkSize.toBytes() > MAX_CHUNK) {
            throw new IllegalArgumentException("depot.scan.clamd.chunk-size must be between 1B and 16MB, not " + chunkSize);
        }
        if (maxStreamBytes.toBytes() < 0) {
            throw new IllegalArgumentException("depot.scan.clamd.max-stream-bytes must not be negative");
        }
    }

    /** The defaults for clamd at {@code address}. */
    public static ClamdProperties of(URI address) {
        return new ClamdProperties(address, Duration.ofSeconds(2), Duration.ofMinutes(3), DataSize.ofKilobytes(64),
                DataSize.ofMegabytes(25));
    }

    /** The same with another {@code StreamMaxLength}. */
    public ClamdProperties withMaxStreamBytes(long bytes) {
        return new ClamdProperties(address, connectTimeout, readTimeout, chunkSize, DataSize.ofBytes(bytes));
    }

    /** The same with other timeouts. */
    public ClamdProperties withTimeouts(Duration connect, Duration read) {
        return new ClamdProperties(address, connect, read, chunkSize, maxStreamBytes);
    }
}
