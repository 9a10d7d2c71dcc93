package io.depot.upload;

import java.time.Instant;

/**
 * How far an upload written in order (tus) has come, and who writes it now. The offset counts the bytes storage
 * holds from the start: the recorded parts, then the tail, the bytes of the next part so far, kept in storage as an
 * object of their own until the part is whole.
 *
 * @param offset     bytes written from the start
 * @param tailKey    the object holding the next part's first bytes, or null when the offset is at a part boundary
 * @param tailLength how many bytes the tail holds
 * @param writeId    the request that holds the write lease, or null
 * @param leaseUntil until when that request holds it; another may take over after
 */
public record UploadWrite(long offset, String tailKey, long tailLength, String writeId, Instant leaseUntil) {

    public static final UploadWrite NONE = new UploadWrite(0, null, 0, null, null);

    /** Whether {@code writeId} is held off at {@code now} by another request's lease. */
    public boolean lockedAgainst(String writer, Instant now) {
        return writeId != null && !writeId.equals(writer) && leaseUntil != null && leaseUntil.isAfter(now);
    }

    /** The key of a tail written by request {@code writeId} for the object {@code objectKey}. */
    public static String tailKey(String objectKey, String writeId) {
        return objectKey + TAIL_INFIX + writeId;
    }

    /** Whether {@code key} is a tail of {@code objectKey}'s upload. */
    public static boolean isTailOf(String key, String objectKey) {
        return key.startsWith(objectKey + TAIL_INFIX);
    }

    /** What separates an object's key from its tails' write ids. */
    public static final String TAIL_INFIX = ".tail-";
}
