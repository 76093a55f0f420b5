package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a whole measurements file (CSV with a header row, or JSON lines) for a replay: records that
 * can't be used first, in file order, then the measurements sorted by event time, ties in file order;
 * each chart's last measurement is marked, as the file's end also ends its last subgroup.
 */
public final class MeasurementFiles {

    private MeasurementFiles() {
    }

    public static List<MeasurementRecord> read(Path file, MeasurementParser parser) throws IOException {
        List<MeasurementRecord> rejected = new ArrayList<>();
        List<MeasurementRecord> valid = new ArrayList<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            String[] header = null;
            Boolean csv = null;
            long lineNumber = 0;
            while (readLine(in, bytes)) {
                lineNumber++;
                String line;
                boolean utf8Valid = true;
                try {
                    line = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    line = bytes.toString(StandardCharsets.UTF_8); // malformed bytes as U+FFFD, for the dead letter
                    utf8Valid = false;
                }
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte order mark
                }
                if (line.isBlank()) {
                    continue;
                }
                if (csv == null) {
                    csv = isCsv(file, line);
                    if (csv) {
                        if (!utf8Valid) {
                            throw new IOException("the CSV header is not valid UTF-8");
                        }
                        header = header(line);
                        continue;
                    }
                }
                MeasurementRecord r = !utf8Valid
                        ? MeasurementRecord.rejected(line, csv ? DeadLetter.INVALID_CSV : DeadLetter.INVALID_JSON,
                                MeasurementParser.NOT_UTF8)
                        : csv ? parser.parseCsv(line, header) : parser.parseJson(line);
                r.seq = lineNumber;
                (r.isValid() ? valid : rejected).add(r);
            }
        }
        valid.sort(Comparator.comparingLong(r -> r.tsNanos)); // List.sort is stable: ties keep file order
        Set<String> charts = new HashSet<>();
        for (int i = valid.size() - 1; i >= 0; i--) {
            MeasurementRecord r = valid.get(i);
            r.lastOfChart = charts.add(r.chartKey());
        }
        rejected.addAll(valid);
        return rejected;
    }

    /** The next line's bytes (without its \n, \r\n or \r) into {@code line}; false at the end of the input. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b = in.read();
        if (b < 0) {
            return false;
        }
        while (b >= 0 && b != '\n' && b != '\r') {
            line.write(b);
            b = in.read();
        }
        if (b == '\r') {
            in.mark(1);
            if (in.read() != '\n') {
                in.reset();
            }
        }
        return true;
    }

    private static boolean isCsv(Path file, String firstLine) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return true;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return false;
        }
        return !firstLine.stripLeading().startsWith("{");
    }

    private static String[] header(String line) throws IOException {
        String[] names = Csv.split(line);
        List<String> list = List.of(names);
        for (String required : new String[] {"ts", "feature", "value"}) {
            if (!list.contains(required)) {
                throw new IOException("CSV header has no '" + required + "' column (header: " + line + ")");
            }
        }
        return names;
    }

}
