package io.depot.worker.scan;

/**
 * What clamd concluded about one stream. Failing to get an answer is no result: it is a
 * {@link ClamdUnavailableException}.
 */
public sealed interface ScanResult permits ScanResult.Clean, ScanResult.Infected, ScanResult.TooLarge {

    /** clamd found nothing ({@code stream: OK}). */
    record Clean() implements ScanResult {
    }

    /**
     * clamd found a signature ({@code stream: <name> FOUND}).
     *
     * @param signature the name as clamd reports it, e.g. {@code Win.Test.EICAR_HDB-1}; signatures from unofficial
     *                  databases carry a {@code .UNOFFICIAL} suffix
     */
    record Infected(String signature) implements ScanResult {
    }

    /**
     * The stream is longer than clamd accepts ({@code StreamMaxLength}): clamd refused it
     * ({@code INSTREAM size limit exceeded. ERROR}), or its known size was over the configured limit and it was
     * not sent. It was not scanned. Also what clamd's {@code Heuristics.Limits.Exceeded.MaxFileSize} and
     * {@code .MaxScanSize} mean, reported with {@code AlertExceedsMax yes}: clamd took the stream but would not scan
     * all of it. Without that setting clamd answers such a stream {@code stream: OK} unscanned, so clamd's
     * {@code MaxFileSize} and {@code MaxScanSize} must be at least its {@code StreamMaxLength}.
     */
    record TooLarge() implements ScanResult {
    }
}
