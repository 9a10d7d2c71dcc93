package io.depot.file;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DownloadChainTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:15:30.123Z");
    private static final FileDownloadedEvent DOWNLOAD = new FileDownloadedEvent("f-1", 2, "alice", "10.0.0.1", AT);

    @Test
    void aLinkedDownloadCarriesTheHashOfItsFieldsAndPlace() {
        FileDownloadedEvent linked = DownloadChain.link(DOWNLOAD, "c-1", 1, DownloadChain.NO_ANCHOR, null);

        assertThat(linked.link().hash()).hasSize(64).isEqualTo(first(DOWNLOAD));
        assertThat(DownloadChain.intact(linked)).isTrue();
        assertThat(linked.fileId()).isEqualTo("f-1");
    }

    @Test
    void theHashIsTheDocumentedEncodingsSha256() {
        // Computed apart (Python's hashlib over the encoding DownloadChain documents): a change of the encoding would
        // make every stored chain look broken.
        assertThat(first(DOWNLOAD))
                .isEqualTo("e58c88b3209df544e67fda89c62f3ea4862d5595d26b179a93fb78fb5a644f51");
    }

    @Test
    void changingAnyFieldOrPlaceChangesTheHash() {
        String hash = first(DOWNLOAD);
        DownloadAnchor anchor = new DownloadAnchor("c-0", 7, AT);

        assertThat(java.util.List.of(
                first(new FileDownloadedEvent("f-2", 2, "alice", "10.0.0.1", AT)),
                first(new FileDownloadedEvent("f-1", 3, "alice", "10.0.0.1", AT)),
                first(new FileDownloadedEvent("f-1", 2, "bob", "10.0.0.1", AT)),
                first(new FileDownloadedEvent("f-1", 2, null, "10.0.0.1", AT)),
                first(new FileDownloadedEvent("f-1", 2, "alice", "10.0.0.2", AT)),
                first(new FileDownloadedEvent("f-1", 2, "alice", "10.0.0.1", AT.plusMillis(1))),
                first(new FileDownloadedEvent("f-1", 2, "alice", "10.0.0.1", AT, "s-1")),
                DownloadChain.hash(DOWNLOAD, "c-2", 1, DownloadChain.NO_ANCHOR, null),
                DownloadChain.hash(DOWNLOAD, "c-1", 2, DownloadChain.NO_ANCHOR, null),
                DownloadChain.hash(DOWNLOAD, "c-1", 1, "1".repeat(64), null),
                DownloadChain.hash(DOWNLOAD, "c-1", 1, DownloadChain.NO_ANCHOR, anchor)))
                .doesNotContain(hash)
                .doesNotHaveDuplicates();
    }

    @Test
    void fieldsCannotBeShiftedIntoEachOther() {
        // With plain concatenation "ab"+"c" and "a"+"bc" would hash alike.
        assertThat(first(new FileDownloadedEvent("f-1", 2, "ab", "c", AT)))
                .isNotEqualTo(first(new FileDownloadedEvent("f-1", 2, "a", "bc", AT)));
        assertThat(first(new FileDownloadedEvent("f-1", 2, null, "x", AT)))
                .isNotEqualTo(first(new FileDownloadedEvent("f-1", 2, "", "x", AT)));
    }

    /** The hash of a download as the first link of chain c-1, naming no other chain. */
    private static String first(FileDownloadedEvent download) {
        return DownloadChain.hash(download, "c-1", 1, DownloadChain.NO_ANCHOR, null);
    }

    @Test
    void anEditedRecordNoLongerMatchesItsHash() {
        FileDownloadedEvent linked = DownloadChain.link(DOWNLOAD, "c-1", 4, "ab".repeat(32), null);
        FileDownloadedEvent edited = new FileDownloadedEvent("f-1", 2, "mallory", "10.0.0.1", AT, null, linked.link());

        assertThat(DownloadChain.intact(edited)).isFalse();
        assertThat(DownloadChain.intact(DOWNLOAD)).as("an unlinked download").isFalse();
    }
}
