package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay's file reading: every line ending, lines across the 64 KB read chunks, lines longer than a chunk. */
class MeasurementFilesTest {

    @TempDir
    Path dir;

    private static String record(int i, int padding) {
        return "{\"ts\":" + (1_764_000_000_000L + i) + ",\"feature\":\"f\",\"value\":" + i + ",\"part\":\"P" + i
                + "\",\"pad\":\"" + "x".repeat(padding) + "\"}";
    }

    @Test
    void readsEveryLineWhateverItsEndingAndLength() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        // a first line whose \r is the chunk's last byte and \n the next chunk's first
        String first = record(0, 0);
        first = record(0, (1 << 16) - 1 - first.length());
        file.write((first + "\r\n").getBytes(StandardCharsets.UTF_8));
        String[] endings = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
        Random random = new Random(5);
        int count = 1;
        for (; count < 400; count++) {
            int padding = count % 97 == 0 ? 150_000 : random.nextInt(3000); // now and then longer than a chunk
            file.write((record(count, padding) + endings[random.nextInt(endings.length)]).getBytes(StandardCharsets.UTF_8));
        }
        file.write(record(count, 10).getBytes(StandardCharsets.UTF_8)); // no newline at the end
        count++;
        Path path = Files.write(dir.resolve("m.jsonl"), file.toByteArray());

        List<MeasurementRecord> records = read(path, new MeasurementParser(1 << 20));
        assertTrue(records.stream().allMatch(MeasurementRecord::isValid), "no line split or merged");
        assertEquals(count, records.size());
        List<String> parts = records.stream().map(r -> r.part).collect(Collectors.toList());
        for (int i = 0; i < count; i++) {
            assertEquals("P" + i, parts.get(i));
        }
        assertEquals(1, records.get(0).seq);
        assertEquals(2, records.get(1).seq, "the \\r\\n across the chunks is one line end");
    }

    @Test
    void readsQuotedCsvCellsWithLineBreaksAsOneRecordKeepingItsText() throws Exception {
        String header = "ts,feature,value,part,operator\r\n";
        String multiLine = "1764000000000,f,1.5,P1,\"first line\r\nsecond, \"\"quoted\"\"\nthird\"";
        String plain = "1764000001000,f,2.5,P2,anna";
        String unterminated = "1764000002000,f,3.5,P3,\"no end";
        Path path = Files.writeString(dir.resolve("m.csv"), header + multiLine + "\r\n" + plain + "\n" + unterminated + "\n",
                StandardCharsets.UTF_8);

        List<MeasurementRecord> records = read(path, new MeasurementParser(1 << 10));
        MeasurementRecord bad = records.get(0); // rejected records come first
        assertEquals(unterminated, bad.raw, "the open cell runs to the end of the file");
        assertEquals(6, bad.seq, "its first line in the file");
        MeasurementRecord joined = records.get(1);
        assertTrue(joined.isValid(), joined.rejectDetail);
        assertEquals("P1", joined.part);
        assertEquals(multiLine, joined.raw, "the original text, line breaks as in the file");
        assertEquals(2, joined.seq);
        assertEquals("P2", records.get(2).part);
        assertEquals(3, records.size());
    }

    @Test
    void aQuoteAfterTextInACellContinuedFromTheLineBeforeOpensNothing() throws Exception {
        // the cell "x<newline>" closes on line 2; the quote before y is text, as when the record is read whole
        String file = "ts,feature,value,part\n1764000000000,f,10,\"x\n\" \"y\n"
                + "1764000001000,f,11,P2\n1764000002000,f,12,P3\n";
        Path path = Files.writeString(dir.resolve("reopen.csv"), file, StandardCharsets.UTF_8);
        List<MeasurementRecord> records = read(path, new MeasurementParser());
        assertEquals(3, records.size());
        assertTrue(records.stream().allMatch(MeasurementRecord::isValid), records.get(0).rejectDetail);
        assertEquals("x\n \"y", records.get(0).part);
        assertEquals(Csv.split("1764000000000,f,10,\"x\n\" \"y")[3], records.get(0).part);
    }

    @Test
    void anUnterminatedQuoteTakesNoMoreLinesThanMakeTheRecordOversized() throws Exception {
        StringBuilder file = new StringBuilder("ts,feature,value,part\n1764000000000,f,1,\"open\n");
        for (int i = 1; i <= 100; i++) {
            file.append(1_764_000_000_000L + i).append(",f,").append(i).append(",P").append(i).append('\n');
        }
        Path path = Files.writeString(dir.resolve("open.csv"), file, StandardCharsets.UTF_8);

        List<MeasurementRecord> records = read(path, new MeasurementParser(200));
        assertEquals(dev.pilotspc.flink.records.DeadLetter.OVERSIZED, records.get(0).rejectReason);
        long charted = records.stream().filter(MeasurementRecord::isValid).count();
        assertTrue(charted > 80, "the lines after the oversized record are read as rows again: " + charted);
        int joinedLines = records.get(0).raw.split("\n", -1).length;
        assertEquals(101, records.size() - 1 + joinedLines, "every line is in exactly one record");
    }

    @Test
    void refusesACsvHeaderNamingAColumnTwice() throws Exception {
        Path path = Files.writeString(dir.resolve("twice.csv"), "ts,feature,value,value\n1764000000000,f,1,2\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(path, new MeasurementParser()));
        assertTrue(e.getMessage().contains("'value' twice"), e.getMessage());
    }

    @Test
    void refusesACsvHeaderWithAnOpenQuote() throws Exception {
        Path path = Files.writeString(dir.resolve("open-header.csv"), "ts,\"feature,value\n1764000000000,f,1\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(path, new MeasurementParser()));
        assertEquals("CSV header: unterminated quoted cell (header: ts,\"feature,value)", e.getMessage());
    }

    @Test
    void refusesUtf16TextWithOrWithoutAByteOrderMark() throws Exception {
        String text = "ts,feature,value\n1764000000000,f,1\n";
        for (java.nio.charset.Charset charset : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE)) {
            Path path = Files.write(dir.resolve("wide-" + charset.name() + ".csv"), text.getBytes(charset));
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> read(path, new MeasurementParser()));
            assertTrue(e.getMessage().startsWith("the file is not UTF-8 text (") && e.getMessage().endsWith("): save it as UTF-8"),
                    charset + ": " + e.getMessage());
        }
        // a blank first line: its header, the first line that is not blank, is what is judged (it was read as
        // a CSV header of NUL-spaced names: "no 'ts' column (header: \0t\0s…)", raw NUL bytes in the error)
        Path blankFirst = Files.write(dir.resolve("wide-blank-first.csv"), ("\n" + text).getBytes(StandardCharsets.UTF_16LE));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(blankFirst, new MeasurementParser()));
        assertEquals("the file is not UTF-8 text (its first line is mostly NUL bytes, as UTF-16 or UTF-32 text is): save it as UTF-8",
                e.getMessage());
    }

    @Test
    void readsUtf8FilesWithAStrayNulOrAFirstColumnNamedInBrackets() throws Exception {
        // a NUL is UTF-8 too: in a column not read it changes nothing, in a JSON record it makes that record a dead letter
        Path nulColumn = Files.writeString(dir.resolve("nul-column.csv"), "ts,feature,value,no\u0000te\n1764000000000,f,1.5,x\n");
        List<MeasurementRecord> records = read(nulColumn, new MeasurementParser());
        assertEquals(1, records.size());
        assertTrue(records.get(0).isValid(), records.get(0).rejectDetail);
        Path nulRecord = Files.writeString(dir.resolve("nul-record.jsonl"),
                "{\"ts\":1764000000000,\"feature\":\"f\",\"value\":1,\"note\":\"\u0000\"}\n" + record(1, 0) + "\n");
        records = read(nulRecord, new MeasurementParser());
        assertEquals(List.of("invalid_json", "valid"), records.stream().map(r -> r.isValid() ? "valid" : r.rejectReason).toList());
        // a first column named "[x]" (a unit, an index) is a CSV header, not the start of a JSON array
        for (String name : List.of("brackets.csv", "brackets.txt")) {
            Path brackets = Files.writeString(dir.resolve(name), "[x],ts,feature,value\na,1764000000000,f,2.5\n");
            records = read(brackets, new MeasurementParser());
            assertEquals(1, records.size(), name);
            assertTrue(records.get(0).isValid(), name + ": " + records.get(0).rejectDetail);
            assertEquals(2.5, records.get(0).value);
        }
    }

    @Test
    void refusesAJsonArrayAndPrettyPrintedJsonAsAWhole() throws Exception {
        Path array = Files.writeString(dir.resolve("array.json"),
                "[{\"ts\":1764000000000,\"feature\":\"f\",\"value\":1},\n {\"ts\":1764000000001,\"feature\":\"f\",\"value\":2}]\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(array, new MeasurementParser()));
        assertTrue(e.getMessage().startsWith("the file is a JSON array;"), e.getMessage());
        Path prettyArray = Files.writeString(dir.resolve("array.txt"), "[\n  {\"ts\": 1764000000000, \"feature\": \"f\", \"value\": 1}\n]\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> read(prettyArray, new MeasurementParser()));
        assertTrue(e.getMessage().startsWith("the file is a JSON array;"), e.getMessage());
        Path pretty = Files.writeString(dir.resolve("pretty.jsonl"), "{\n  \"ts\": 1764000000000,\n  \"feature\": \"f\",\n  \"value\": 1\n}\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> read(pretty, new MeasurementParser()));
        assertTrue(e.getMessage().startsWith("the first line is only '{' (pretty-printed JSON?)"), e.getMessage());
    }

    @Test
    void readsCsvColumnsWhateverTheirCaseAndSpacesAndLetsUnreadColumnsRepeat() throws Exception {
        Path path = Files.writeString(dir.resolve("excel.csv"), "TS, Feature ,Value,note,note\n1764000000000,f,1.5,a,b\n");
        List<MeasurementRecord> records = read(path, new MeasurementParser());
        assertEquals(1, records.size());
        assertTrue(records.get(0).isValid(), records.get(0).rejectDetail);
        assertEquals("f", records.get(0).feature);
        assertEquals(1.5, records.get(0).value);
        Path twice = Files.writeString(dir.resolve("twice-case.csv"), "ts,feature,value,VALUE\n1764000000000,f,1,2\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(twice, new MeasurementParser()));
        assertTrue(e.getMessage().contains("'value' twice"), e.getMessage());
    }

    @Test
    void saysWhenAFilesNameTellsTheWrongFormat() throws Exception {
        // CSV named .json was a dead letter a line (invalid_json); JSON lines named .csv "no 'ts' column" alone
        Path csvAsJson = Files.writeString(dir.resolve("csv.json"), "TS,feature,value\n1764000000000,f,1\n1764000000001,f,2\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(csvAsJson, new MeasurementParser()));
        assertEquals("the first line is a CSV header (TS,feature,value), the file's name says JSON lines: name it .csv", e.getMessage());
        Path jsonAsCsv = Files.writeString(dir.resolve("json.csv"), record(1, 0) + "\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> read(jsonAsCsv, new MeasurementParser()));
        assertTrue(e.getMessage().endsWith("; the file seems to be JSON lines: name it .jsonl"), e.getMessage());
        // a JSON-lines file whose first line is broken is still read, that line a dead letter
        Path brokenFirst = Files.writeString(dir.resolve("broken-first.jsonl"), "ts,feature\n" + record(1, 0) + "\n");
        assertEquals(List.of("invalid_json", "valid"), read(brokenFirst, new MeasurementParser()).stream()
                .map(r -> r.isValid() ? "valid" : r.rejectReason).toList());
    }

    @Test
    void namesTheSeparatorOfACsvFileThatIsNotCommaSeparated() throws Exception {
        Path path = Files.writeString(dir.resolve("semicolons.csv"), "ts;feature;value\n1764000000000;f;1,5\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> read(path, new MeasurementParser()));
        assertEquals("CSV header has no 'ts' column (header: ts;feature;value); its columns seem separated by ';',"
                + " a CSV file here is comma-separated", e.getMessage());
        // a comma-separated header with a ';' in a name is not called ';'-separated
        Path comma = Files.writeString(dir.resolve("comma.csv"), "time;zone,feature,value\n1764000000000,f,1\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> read(comma, new MeasurementParser()));
        assertEquals("CSV header has no 'ts' column (header: time;zone,feature,value)", e.getMessage());
    }

    @Test
    void aBrokenLastLineWithoutALineBreakAsksWhetherTheFileIsCutOff() throws Exception {
        Path path = Files.writeString(dir.resolve("cut.jsonl"), record(1, 0) + "\n{\"ts\":1764000000000,\"feature\":\n"
                + record(2, 0) + "\n{\"ts\":1764000000003,\"feature\":\"f\",\"val");
        List<MeasurementRecord> records = read(path, new MeasurementParser());
        List<String> details = records.stream().filter(r -> !r.isValid()).map(r -> r.rejectDetail).toList();
        assertEquals(2, details.size(), details.toString());
        assertTrue(!details.get(0).contains("cut off"), "a broken line inside the file: " + details.get(0));
        assertTrue(details.get(1).endsWith(" (the file's last line, with no line break after it: is the file cut off?)"), details.get(1));
    }

    /** The records in replay order, through the spool a replay reads them from. */
    private static List<MeasurementRecord> read(Path path, MeasurementParser parser) throws Exception {
        try (ReplayInput input = ReplayInput.spool(path, parser)) {
            return input.readAll();
        }
    }
}
