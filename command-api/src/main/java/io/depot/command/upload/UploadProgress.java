package io.depot.command.upload;

import io.depot.upload.UploadSessionView;

import java.util.Locale;

/** One progress report of an upload, as sent on its event stream. */
record UploadProgress(String uploadId, String status, long bytesUploaded, long size, int partsUploaded,
                      int partCount, Long version) {

    static UploadProgress of(UploadSessionView view) {
        return new UploadProgress(view.uploadId(), view.status().name().toLowerCase(Locale.ROOT),
                view.bytesUploaded(), view.plan().size(), view.parts().size(), view.plan().partCount(),
                view.version());
    }

    boolean finished() {
        return !status.equals("in_progress");
    }
}
