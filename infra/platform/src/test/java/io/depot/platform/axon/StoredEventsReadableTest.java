package io.depot.platform.axon;

import io.depot.file.FileRenditionFailedEvent;
import io.depot.file.StoredFile;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Events and snapshots stored before a field was added read back with the field empty, through Axon's serializer. */
class StoredEventsReadableTest {

    private final Serializer serializer = new AxonStoresAutoConfiguration().serializer();

    @Test
    void aRenditionFailureStoredWithoutANameReadsAsTheVersionsStandardRenditions() {
        String stored = "{\"fileId\":\"f-1\",\"version\":2,\"reason\":\"its bytes are not an image\","
                + "\"at\":\"2026-11-30T00:42:57Z\"}";
        FileRenditionFailedEvent event = serializer.deserialize(new SimpleSerializedObject<>(
                stored.getBytes(StandardCharsets.UTF_8), byte[].class,
                new SimpleSerializedType(FileRenditionFailedEvent.class.getName(), null)));

        assertThat(event).isEqualTo(new FileRenditionFailedEvent("f-1", 2, null, "its bytes are not an image",
                Instant.parse("2026-11-30T00:42:57Z")));
        SerializedObject<byte[]> written = serializer.serialize(event, byte[].class);
        assertThat(new String(written.getData(), StandardCharsets.UTF_8)).contains("\"name\":null");
    }

    @Test
    void aFileSnapshotFromBeforeTransformsReadsWithNoneAskedFor() {
        String snapshot = "{\"fileId\":\"f-1\",\"ownerId\":\"alice\",\"filename\":\"a.png\",\"version\":1,"
                + "\"deleted\":false,\"versionByUpload\":{\"u-1\":1},\"versions\":{\"1\":{\"objectKey\":\"objects/f-1/u-1\","
                + "\"size\":10,\"contentType\":\"image/png\",\"status\":\"AVAILABLE\",\"verified\":true,"
                + "\"renditions\":{\"128.jpg\":\"renditions/f-1/1/128.jpg\"},\"renditionFailed\":false}},\"shares\":{}}";
        StoredFile file = serializer.deserialize(new SimpleSerializedObject<>(
                snapshot.getBytes(StandardCharsets.UTF_8), byte[].class,
                new SimpleSerializedType(StoredFile.class.getName(), "2")));

        assertThat(file.versionHolding("objects/f-1/u-1")).contains(1L);
        String again = new String(serializer.serialize(file, byte[].class).getData(), StandardCharsets.UTF_8);
        assertThat(again).contains("\"transforms\":{}", "\"renditionFailures\":{}", "\"renditionsStarted\":[]");
    }
}
