package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeasurementParserTest {

    private final MeasurementParser parser = new MeasurementParser(400);

    @Test
    void parsesEveryContractField() {
        MeasurementRecord r = parser.parseJson("{\"ts\":\"2026-11-24T08:00:01.250Z\",\"feature\":\"housing.bore_diameter\","
                + "\"value\":25.003,\"batch\":\"PB-7\",\"part\":\"SN-1\",\"subgroup\":\"g1\",\"line\":\"L1\","
                + "\"station\":\"cmm\",\"gauge\":\"G2\",\"operator\":\"ana\",\"extra\":{\"ignored\":[1,2]}}");
        assertTrue(r.isValid(), r.rejectDetail);
        assertEquals(1_795_507_201_250_000_000L, r.tsNanos);
        assertEquals("housing.bore_diameter", r.feature);
        assertEquals(25.003, r.value);
        assertEquals("PB-7", r.batch);
        assertEquals("SN-1", r.part);
        assertEquals("g1", r.subgroup);
        assertEquals("L1", r.line);
        assertEquals("cmm", r.station);
        assertEquals("G2", r.gauge);
        assertEquals("ana", r.operator);
    }

    @Test
    void rejectsALiveRecordStampedFurtherAheadOfTheClockThanAllowed() {
        MeasurementParser live = new MeasurementParser(MeasurementParser.DEFAULT_MAX_RECORD_BYTES, 300_000);
        long now = System.currentTimeMillis();
        String soon = "{\"ts\":" + (now + 60_000) + ",\"feature\":\"f\",\"value\":1}";
        String hoursAhead = "{\"ts\":" + (now + 3_600_000) + ",\"feature\":\"f\",\"value\":1}";

        assertTrue(live.parseJsonBytes(soon.getBytes(StandardCharsets.UTF_8)).isValid());
        MeasurementRecord ahead = live.parseJsonBytes(hoursAhead.getBytes(StandardCharsets.UTF_8));
        assertEquals(DeadLetter.INVALID_TIMESTAMP, ahead.rejectReason);
        assertTrue(ahead.rejectDetail.contains("more than 5m ahead of the job's clock"), ahead.rejectDetail);
        assertEquals(hoursAhead, ahead.raw);
        assertTrue(new MeasurementParser().parseJson(hoursAhead).isValid(), "files have no clock to compare with");
    }

    @Test
    void acceptsEpochMillisAndDefaultsTheBatch() {
        MeasurementRecord r = parser.parseJson("{\"ts\":1764000000123,\"feature\":\"f\",\"value\":1}");
        assertEquals(1_764_000_000_123_000_000L, r.tsNanos);
        assertEquals("default", r.batch);
        assertEquals(r.tsNanos, parser.parseJson("{\"ts\":\"1764000000123\",\"feature\":\"f\",\"value\":1}").tsNanos);
        assertEquals(r.tsNanos,
                parser.parseJson("{\"ts\":\"2025-11-24T17:00:00.123+01:00\",\"feature\":\"f\",\"value\":1}").tsNanos);
        MeasurementRecord withBom = parser.parseJson("\uFEFF{\"ts\":1764000000123,\"feature\":\"f\",\"value\":1}");
        assertEquals(r.tsNanos, withBom.tsNanos, "a byte order mark is ignored");
        assertTrue(withBom.raw.startsWith("\uFEFF"), "and kept in the record's text");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json | invalid_json",
        "[1,2] | invalid_json",
        "{\"ts\":1,\"feature\":\"f\",\"value\":1} trailing | invalid_json",
        "{\"ts\":1,\"feature\":\"f\"} | missing_field",
        "{\"ts\":1,\"value\":1} | missing_field",
        "{\"feature\":\"f\",\"value\":1} | missing_field",
        "{\"ts\":1,\"feature\":\"f\",\"value\":\"3.2\"} | invalid_field",
        "{\"ts\":1,\"feature\":{\"a\":1},\"value\":3} | invalid_field",
        "{\"ts\":1,\"feature\":\"f\",\"value\":1e999} | non_finite_value",
        "{\"ts\":\"yesterday\",\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":-5,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":true,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":1,\"feature\":\"f\",\"value\":NaN} | non_finite_value",
        "{\"ts\":1,\"feature\":\"f\",\"value\":-Infinity} | non_finite_value",
        "{\"ts\":NaN,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":99999999999999999999,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":\"\u0661\u0662\u0663.5\",\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":\"\u0661\u0662\u0663\",\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":Infinity,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":9223372036854.9,\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":\"2262-04-11T23:47:16.854999Z\",\"feature\":\"f\",\"value\":1} | invalid_timestamp",
        "{\"ts\":1,\"feature\":\"f\",\"value\":2.1,\"value\":99} | invalid_json",
        "{\"ts\":1,\"ts\":\"garbage\",\"feature\":\"f\",\"value\":1} | invalid_json",
        "{\"ts\":1,\"feature\":\"f\",\"part\":null,\"part\":\"P2\",\"value\":1} | invalid_json",
    })
    void rejectsUnusableRecordsWithTheirReason(String raw, String reason) {
        MeasurementRecord r = parser.parseJson(raw);
        assertEquals(reason, r.rejectReason, r.rejectDetail);
        assertEquals(raw, r.raw, "the original text is kept unchanged");
        assertTrue(r.rejectDetail != null && !r.rejectDetail.isBlank());
    }

    @Test
    void saysWhatIsWrongWithBrokenJsonInOneShortLine() {
        // a record cut off in transit: Jackson's text adds where the object started and its own set-up
        assertEquals("Unexpected end-of-input: expected close marker for Object",
                parser.parseJson("{\"ts\":1764000025010,\"feature\":\"pin.diameter\"").rejectDetail);
        assertEquals("Unexpected end-of-input: was expecting closing quote for a string value",
                parser.parseJson("{\"ts\":1764000009000,\"feature\":\"cover.thi").rejectDetail);
        assertEquals("value must be a JSON number, got the string '3.2'",
                parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":\"3.2\"}").rejectDetail);
        assertEquals("value must be a JSON number, got 'true'", parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":true}").rejectDetail);
        String detail = parser.parseJson("not json").rejectDetail;
        assertTrue(detail.startsWith("Unrecognized token 'not'") && !detail.contains("\n") && !detail.contains("Source"),
                detail);
    }

    @Test
    void rejectsOversizedAndNullRecords() {
        assertEquals(DeadLetter.OVERSIZED, parser.parseJson("{\"pad\":\"" + "x".repeat(500) + "\"}").rejectReason);
        MeasurementRecord nothing = parser.parseJson(null);
        assertEquals(DeadLetter.INVALID_JSON, nothing.rejectReason);
        assertNull(nothing.raw);
    }

    @Test
    void anEmptyTextFieldIsAbsentAsAnEmptyCsvCellIs() {
        MeasurementRecord json = parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"\",\"subgroup\":\"\"}");
        MeasurementRecord csv = parser.parseCsv("1,f,1,,", Csv.split("ts,feature,value,part,subgroup"));
        assertNull(json.part);
        assertNull(json.subgroup);
        assertNull(csv.part);
        assertNull(csv.subgroup);
    }

    @Test
    void theRecordSizeLimitCountsUtf8Bytes() {
        MeasurementParser small = new MeasurementParser(62);
        String ascii = "{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"" + "x".repeat(20) + "\"}"; // 62 bytes
        assertTrue(small.parseJson(ascii).isValid());
        String accented = ascii.replaceFirst("xxxx", "\u00e9\u00e9\u00e9\u00e9"); // same characters, 4 bytes more
        MeasurementRecord r = small.parseJson(accented);
        assertEquals(DeadLetter.OVERSIZED, r.rejectReason);
        assertEquals("record of 66 bytes exceeds 62", r.rejectDetail);
        assertEquals(4, MeasurementParser.utf8Length("\uD83D\uDE00"), "a surrogate pair is one 4-byte character");
    }

    @Test
    void rejectsTagValuesTheLineProtocolCannotCarry() {
        // a backslash escapes ' ', ',' and '=' in tags and has no escape itself (InfluxDB answered 400)
        for (String batch : new String[] {"B\\\\", "two\\\\\\\\", "a\\\\ b", "a\\\\,b", "a\\\\=b"}) {
            MeasurementRecord r = parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"batch\":\"" + batch + "\"}");
            assertEquals(DeadLetter.INVALID_FIELD, r.rejectReason, batch);
            assertTrue(r.rejectDetail.startsWith("batch '"), r.rejectDetail);
        }
        MeasurementRecord inside = parser.parseJson("{\"ts\":1,\"feature\":\"f\\\\g\",\"value\":1,\"station\":\"C:\\\\x\"}");
        assertTrue(inside.isValid(), inside.rejectDetail);
        assertEquals("f\\g", inside.feature);
        assertEquals(DeadLetter.INVALID_FIELD,
                parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"line\":\"L\\\\\"}").rejectReason);
        // no escape for line breaks and other control characters in a tag: "B\n1" would land on the tag of "B\\n1"
        MeasurementRecord newline = parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"batch\":\"B\\n1\"}");
        assertEquals(DeadLetter.INVALID_FIELD, newline.rejectReason);
        assertEquals("batch 'B?1' has a control character (U+000A), which an InfluxDB tag cannot carry", newline.rejectDetail);
        assertTrue(parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"batch\":\"B\\\\n1\"}").isValid());
        assertTrue(parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"P\\n1\"}").isValid(),
                "a part is a string field (a line break in it is written as backslash-n)");
    }

    @Test
    void rejectsIdsWithALoneSurrogateThatUtf8CannotCarry() {
        // JSON may escape half a surrogate pair; written out as UTF-8 it became '?' ("B?" merged with a real "B?")
        for (String field : new String[] {"feature", "batch", "line", "station", "part"}) {
            String feature = field.equals("feature") ? "" : "\"feature\":\"f\",";
            MeasurementRecord r = parser.parseJson("{\"ts\":1," + feature + "\"value\":1,\"" + field + "\":\"B\\udc00\"}");
            assertEquals(DeadLetter.INVALID_FIELD, r.rejectReason, field);
            assertEquals(field + " has a lone UTF-16 surrogate (U+DC00), which is not Unicode text and has no UTF-8 form",
                    r.rejectDetail);
        }
        String highAlone = parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"P\\ud800x\"}").rejectDetail;
        assertTrue(highAlone.contains("(U+D800)"), highAlone);
        MeasurementRecord pair = parser.parseJson("{\"ts\":1,\"feature\":\"f\",\"value\":1,\"batch\":\"B\\ud83d\\ude00\"}");
        assertTrue(pair.isValid(), pair.rejectDetail);
        assertEquals("B\uD83D\uDE00", pair.batch);
    }

    @Test
    void rejectsKafkaValuesThatAreNotUtf8() {
        byte[] good = "{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"\uFFFD\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        assertTrue(parser.parseJsonBytes(good).isValid(), "U+FFFD written as such is text like any other");
        byte[] bad = "{\"ts\":1,\"feature\":\"f\",\"value\":1,\"part\":\"X\"}".getBytes(StandardCharsets.UTF_8);
        bad[bad.length - 3] = (byte) 0xFF;
        MeasurementRecord r = parser.parseJsonBytes(bad);
        assertEquals(DeadLetter.INVALID_JSON, r.rejectReason);
        assertEquals(MeasurementParser.NOT_UTF8, r.rejectDetail);
        assertTrue(r.raw.contains("\uFFFD"));
    }

    @Test
    void aFeatureOfOnlyWhitespaceIsMissing() {
        // a blank feature names no chart: rejected as missing_field, not charted as a feature "  "
        // (whose dead letter would come later as unknown_feature, or which a definition could match)
        MeasurementRecord json = parser.parseJson("{\"ts\":1764000000123,\"feature\":\"  \",\"value\":1}");
        assertEquals(DeadLetter.MISSING_FIELD, json.rejectReason);
        assertEquals("feature is missing", json.rejectDetail);
        MeasurementRecord tab = parser.parseJson("{\"ts\":1764000000123,\"feature\":\" \\t \",\"value\":1}");
        assertEquals(DeadLetter.MISSING_FIELD, tab.rejectReason);
        MeasurementRecord csv = parser.parseCsv("1,\"   \",1764000000123", Csv.split("value,feature,ts"));
        assertEquals(DeadLetter.MISSING_FIELD, csv.rejectReason);
    }

    @Test
    void parsesCsvRowsByHeaderName() {
        String[] header = Csv.split("value,feature,ts,part,note");
        MeasurementRecord r = parser.parseCsv("25.01,\"bore, left\",2026-11-24T08:00:00Z,SN1,\"said \"\"ok\"\"\"", header);
        assertTrue(r.isValid(), r.rejectDetail);
        assertEquals("bore, left", r.feature);
        assertEquals(25.01, r.value);
        assertEquals("SN1", r.part);
        assertEquals(DeadLetter.INVALID_CSV, parser.parseCsv("1,f", header).rejectReason);
        assertEquals(DeadLetter.INVALID_FIELD, parser.parseCsv("abc,f,1,,", header).rejectReason);
        assertEquals(DeadLetter.NON_FINITE_VALUE, parser.parseCsv("NaN,f,1,,", header).rejectReason);
        assertEquals(DeadLetter.MISSING_FIELD, parser.parseCsv(",f,1,,", header).rejectReason);
        assertEquals(DeadLetter.INVALID_CSV, parser.parseCsv("1,\"f,1,,", header).rejectReason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"25 | 25", "+1.5 | 1.5", "-.5 | -0.5", "7. | 7", "1.2e-3 | 0.0012", "3E+2 | 300",
        "' 4.25 ' | 4.25"})
    void readsCsvValuesAsDecimalNumbers(String cell, double expected) {
        MeasurementRecord r = parser.parseCsv(cell + ",f,1764000000000", Csv.split("value,feature,ts"));
        assertTrue(r.isValid(), r.rejectDetail);
        assertEquals(expected, r.value);
    }

    @ParameterizedTest
    @CsvSource({"0x1p3", "12.5F", "3d", "1e", ".", "+", "1.2.3", "'1,5'", "--1", "Infinityx"})
    void rejectsCsvValuesThatAreNotDecimalNumbers(String cell) {
        MeasurementRecord r = parser.parseCsv("\"" + cell + "\",f,1764000000000", Csv.split("value,feature,ts"));
        assertEquals(DeadLetter.INVALID_FIELD, r.rejectReason, cell);
    }

    @Test
    void readsTimestampsAtTheEdgesOfTheRangeQuickly() {
        // a tiny number with a huge exponent: no rounding through 10^99999999 (that took minutes)
        assertEquals(0, parser.parseJson("{\"ts\":1.764e-999999999,\"feature\":\"f\",\"value\":1}").tsNanos);
        assertEquals(Long.MAX_VALUE,
                parser.parseJson("{\"ts\":\"2262-04-11T23:47:16.854775807Z\",\"feature\":\"f\",\"value\":1}").tsNanos);
        String longFraction = "1764000025000.25" + "9".repeat(60_000);
        MeasurementRecord r = new MeasurementParser(1 << 20).parseJson("{\"ts\":\"" + longFraction + "\",\"feature\":\"f\",\"value\":1}");
        assertEquals(1_764_000_025_000_260_000L, r.tsNanos);
    }

    @Test
    void aRecordThatMakesTheParserFailIsADeadLetter() {
        MeasurementRecord r = parser.parseCsv("1764000000000,f,1", null); // no header: the parser itself fails
        assertEquals(DeadLetter.INVALID_CSV, r.rejectReason);
        assertTrue(r.rejectDetail.startsWith("unreadable record: java.lang.NullPointerException"), r.rejectDetail);
        assertEquals("1764000000000,f,1", r.raw);
    }

    @ParameterizedTest
    @CsvSource({"1764000025000.5, 1764000025000500000", "1764000025001.0, 1764000025001000000",
        "1764000025001.000001, 1764000025001000001", "1764000025001.0000005, 1764000025001000000"})
    void readsFractionalEpochMillisExactlyInCsvAndJson(String millis, long nanos) {
        MeasurementRecord csv = parser.parseCsv(millis + ",f,1", Csv.split("ts,feature,value"));
        assertTrue(csv.isValid(), csv.rejectDetail);
        assertEquals(nanos, csv.tsNanos);
        assertEquals(nanos, parser.parseJson("{\"ts\":" + millis + ",\"feature\":\"f\",\"value\":1}").tsNanos);
        assertEquals(nanos, parser.parseJson("{\"ts\":\"" + millis + "\",\"feature\":\"f\",\"value\":1}").tsNanos);
    }
}
