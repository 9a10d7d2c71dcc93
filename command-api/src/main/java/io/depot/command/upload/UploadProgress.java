package io.depot.command.upload;

import io.depot.upload.UploadSessionSummary;

import java.util.Locale;

/** One progress report of an upload, as sent on its event stream. */
record UploadProgress(String uploadId, String status, long bytesUploaded, long size, int partsUploaded,
                      int partCount, Long version) {

    static UploadProgress of(UploadSessionSummary session) {
        return new UploadProgress(session.uploadId(), session.status().name().toLowerCase(Locale.ROOT),
                session.bytesUploaded(), session.plan().size(), session.partsUploaded(), session.plan().partCount(),
                session.version());
    }

    boolean finished() {
        return !status.equals("in_progress");
    }
}
