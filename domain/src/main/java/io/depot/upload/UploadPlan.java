package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

/**
 * How a file of a given size is cut into parts, within S3's limits: parts of at least 5 MiB
 * (except the last), at most 10,000 of them, objects up to 5 TiB.
 *
 * @param size      the declared object size in bytes
 * @param partSize  the size of every part but the last
 * @param partCount how many parts there are (1 for a single PUT)
 * @param mode      single PUT or multipart
 */
public record UploadPlan(long size, long partSize, int partCount, UploadMode mode) {

    public static final long MIB = 1024L * 1024;
    public static final long MIN_PART_SIZE = 5 * MIB;
    public static final long MAX_PART_SIZE = 5 * 1024 * MIB;
    public static final int MAX_PARTS = 10_000;
    public static final long MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MIB;

    /**
     * Plans an upload. The requested part size is raised when the file would otherwise need more
     * than 10,000 parts; a file that fits one part is a single PUT.
     */
    public static UploadPlan of(long size, long requestedPartSize) {
        if (size < 0 || size > MAX_OBJECT_SIZE) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED,
                    "size must be between 0 and " + MAX_OBJECT_SIZE + " bytes (5 TiB), was " + size);
        }
        if (requestedPartSize < MIN_PART_SIZE || requestedPartSize > MAX_PART_SIZE) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED,
                    "part_size must be between " + MIN_PART_SIZE + " (5 MiB) and " + MAX_PART_SIZE + " (5 GiB) bytes");
        }
        long minimumForCount = ceilDiv(size, MAX_PARTS);
        long partSize = Math.max(requestedPartSize, ceilDiv(minimumForCount, MIB) * MIB);
        if (size <= partSize) {
            return new UploadPlan(size, Math.max(size, 0), 1, UploadMode.SINGLE);
        }
        return new UploadPlan(size, partSize, (int) ceilDiv(size, partSize), UploadMode.MULTIPART);
    }

    /** The exact length part {@code partNumber} (1-based) must have. */
    public long partLength(int partNumber) {
        if (partNumber < partCount) {
            return partSize;
        }
        return size - partSize * (partCount - 1L);
    }

    public boolean hasPart(int partNumber) {
        return partNumber >= 1 && partNumber <= partCount;
    }

    /** Refuses a part number this plan has no part for: the one wording of that rule, wherever it is checked. */
    public void requirePart(int partNumber) {
        requireBetween(partNumber, partCount);
    }

    /** Refuses a part number no upload can have, before its session is loaded. */
    public static void requirePossiblePart(int partNumber) {
        requireBetween(partNumber, MAX_PARTS);
    }

    private static void requireBetween(int partNumber, int last) {
        if (partNumber < 1 || partNumber > last) {
            throw new DepotException(ErrorCode.INVALID_PART_NUMBER,
                    "part_number must be between 1 and " + last + ", was " + partNumber);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
