package io.depot.query.audit;

import io.depot.audit.DownloadRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DownloadExportTest {

    @Test
    void csvFieldsWithCommasQuotesOrLineBreaksAreQuotedWithQuotesDoubled() {
        assertThat(DownloadExport.csvField("plain")).isEqualTo("plain");
        assertThat(DownloadExport.csvField(null)).isEmpty();
        assertThat(DownloadExport.csvField("a,b")).isEqualTo("\"a,b\"");
        assertThat(DownloadExport.csvField("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(DownloadExport.csvField("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(DownloadExport.csvField("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }

    @Test
    void aCsvLineHasEveryColumnOfTheHeaderInOrder() {
        var record = new DownloadRecord("e-1", "f-1", 2, "o'brien, \"ob\"", "10.0.0.1",
                Instant.parse("2026-11-29T10:00:00.120Z"), null, "c-1", 7L, "0".repeat(64), "a".repeat(64));

        assertThat(DownloadExport.csvLine(record)).isEqualTo("e-1,f-1,2,\"o'brien, \"\"ob\"\"\",10.0.0.1,"
                + "2026-11-29T10:00:00.120Z,,c-1,7," + "0".repeat(64) + "," + "a".repeat(64) + "\r\n");
        assertThat(DownloadExport.CSV_HEADER.split(",")).hasSize(11);
    }
}
