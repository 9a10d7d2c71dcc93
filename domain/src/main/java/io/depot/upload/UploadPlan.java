package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * A plan for an upload whose length the client declares later (tus's creation-defer-length): every part is
     * {@code partSize} long until {@link #declare(long)} fixes the size. Such a plan has a size and part count of -1.
     */
    public static UploadPlan deferred(long partSize) {
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED,
                    "part_size must be between " + MIN_PART_SIZE + " (5 MiB) and " + MAX_PART_SIZE + " (5 GiB) bytes");
        }
        return new UploadPlan(-1, partSize, -1, UploadMode.MULTIPART);
    }

    /** Whether the size is still to be declared. */
    public boolean lengthDeferred() {
        return size < 0;
    }

    /** The largest size a deferred plan can take: 10,000 parts of its part size. */
    public long largestDeclarable() {
        return Math.min(MAX_OBJECT_SIZE, partSize * MAX_PARTS);
    }

    /** This deferred plan with its size declared: the same part size, as many parts as the size needs. */
    public UploadPlan declare(long declaredSize) {
        if (!lengthDeferred()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "the upload's length is declared already");
        }
        if (declaredSize < 0 || declaredSize > largestDeclarable()) {
            throw new DepotException(ErrorCode.PAYLOAD_TOO_LARGE, "the length must be between 0 and "
                    + largestDeclarable() + " bytes, was " + declaredSize);
        }
        int count = (int) Math.max(1, ceilDiv(declaredSize, partSize));
        return new UploadPlan(declaredSize, partSize, count, count == 1 ? UploadMode.SINGLE : UploadMode.MULTIPART);
    }

    /** The exact length part {@code partNumber} (1-based) must have; every part's is the part size while deferred. */
    public long partLength(int partNumber) {
        if (lengthDeferred() || partNumber < partCount) {
            return partSize;
        }
        return size - partSize * (partCount - 1L);
    }

    public boolean hasPart(int partNumber) {
        return partNumber >= 1 && partNumber <= partCount;
    }

    /** Refuses a part number this plan has no part for: the one wording of that rule, wherever it is checked. */
    public void requirePart(int partNumber) {
        requireBetween(partNumber, lengthDeferred() ? MAX_PARTS : partCount);
    }

    /** Refuses a part number no upload can have, before its session is loaded. */
    public static void requirePossiblePart(int partNumber) {
        requireBetween(partNumber, MAX_PARTS);
    }

    /** Refuses a part whose size is not the planned one; {@code where} names what holds it ("storage", ...). */
    public void requirePartSize(int partNumber, long size, String where) {
        requirePart(partNumber);
        long expected = partLength(partNumber);
        if (size != expected) {
            throw new DepotException(ErrorCode.PART_SIZE_MISMATCH, "part " + partNumber + " must be " + expected
                    + " bytes, " + where + " holds " + size);
        }
    }

    /**
     * Refuses a part body declared with another length than the part's, before any byte is read: longer is too
     * large (413), shorter is the wrong size.
     */
    public long requireContentLength(int partNumber, long contentLength) {
        requirePart(partNumber);
        long expected = partLength(partNumber);
        if (contentLength != expected) {
            throw new DepotException(contentLength > expected ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.PART_SIZE_MISMATCH,
                    "part " + partNumber + " must be " + expected + " bytes, Content-Length is " + contentLength);
        }
        return expected;
    }

    /**
     * The parts to assemble into the object, in order: every planned part must be stored, at its planned size, with
     * the ETag the client claims for it where it claims one. {@code claimed} maps part numbers to unquoted ETags.
     */
    public List<UploadedPart> assembly(Collection<UploadedPart> stored, Map<Integer, String> claimed) {
        claimed.keySet().forEach(this::requirePart);
        Map<Integer, UploadedPart> byNumber = new HashMap<>();
        stored.forEach(part -> byNumber.put(part.partNumber(), part));
        List<Integer> missing = new ArrayList<>();
        List<UploadedPart> parts = new ArrayList<>(partCount);
        for (int n = 1; n <= partCount; n++) {
            UploadedPart part = byNumber.get(n);
            if (part == null) {
                missing.add(n);
                continue;
            }
            requirePartSize(n, part.size(), "storage");
            String claim = claimed.get(n);
            if (claim != null && !claim.equals(part.etag())) {
                throw new DepotException(ErrorCode.PART_NOT_STORED, "part " + n + " in storage has ETag "
                        + part.etag() + ", not " + claim);
            }
            parts.add(part);
        }
        if (!missing.isEmpty()) {
            throw partsMissing(missing);
        }
        return parts;
    }

    /** The refusal of a completion while parts are missing, listing at most twenty of them. */
    public static DepotException partsMissing(List<Integer> missing) {
        String list = missing.size() <= 20 ? missing.toString()
                : missing.subList(0, 20) + " and " + (missing.size() - 20) + " more";
        return new DepotException(ErrorCode.PARTS_MISSING, "parts not uploaded: " + list);
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
