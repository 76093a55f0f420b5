package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a measurements file (CSV with a header row, or JSON lines) record by record, in file
 * order, each parsed or rejected with its reason and numbered by its first line; {@link
 * ReplayInput} puts them in a replay's order.
 */
public final class MeasurementFiles {

    private MeasurementFiles() {
    }

    /** Each record of {@code file} to {@code each}, in file order, with {@code seq} = its first line's number. */
    public static void read(Path file, MeasurementParser parser, Consumer<MeasurementRecord> each) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (LineReader in = new LineReader(Files.newInputStream(file))) {
            String[] header = null;
            Boolean csv = null;
            long lineNumber = 0;
            ByteBuffer bytes;
            while ((bytes = in.next()) != null) {
                lineNumber++;
                long firstLine = lineNumber;
                String line = decode(bytes, utf8);
                boolean utf8Valid = line != null;
                if (!utf8Valid) {
                    line = lossy(bytes);
                }
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a byte order mark
                }
                if (line.isBlank()) {
                    continue;
                }
                if (csv == null) {
                    // the first line that is not blank tells the encoding and the format (blank lines may come first)
                    refuseWideText(bytes);
                    refuseWholeJson(line);
                    csv = isCsv(file, line);
                    if (!csv && csvHeader(line)) {
                        throw new IOException("the first line is a CSV header (" + line.strip() + "), the file's name says JSON lines:"
                                + " name it .csv");
                    }
                    if (csv) {
                        if (!utf8Valid) {
                            throw new IOException("the CSV header is not valid UTF-8");
                        }
                        header = header(line);
                        continue;
                    }
                }
                // a quoted cell with line breaks: the record goes on (up to the size that makes it oversized)
                int quotes = header != null ? Csv.quoteState(line, 0) : 0;
                if ((quotes & Csv.INSIDE_QUOTES) != 0) {
                    StringBuilder record = new StringBuilder(line);
                    while ((quotes & Csv.INSIDE_QUOTES) != 0 && record.length() <= parser.maxRecordBytes()
                            && (bytes = in.next()) != null) {
                        lineNumber++;
                        String more = decode(bytes, utf8);
                        utf8Valid &= more != null;
                        more = more != null ? more : lossy(bytes);
                        record.append(in.lineBreakBefore()).append(more);
                        quotes = Csv.quoteState(more, quotes);
                    }
                    line = record.toString();
                }
                MeasurementRecord r = !utf8Valid
                        ? MeasurementRecord.rejected(line, csv ? DeadLetter.INVALID_CSV : DeadLetter.INVALID_JSON,
                                MeasurementParser.NOT_UTF8)
                        : csv ? parser.parseCsv(line, header) : parser.parseJson(line);
                if (in.unterminated() && (DeadLetter.INVALID_JSON.equals(r.rejectReason) || DeadLetter.INVALID_CSV.equals(r.rejectReason))) {
                    r.rejectDetail += " (the file's last line, with no line break after it: is the file cut off?)";
                }
                r.seq = firstLine;
                each.accept(r);
            }
        }
    }

    /** The line's text, or null where it is not UTF-8. */
    private static String decode(ByteBuffer bytes, CharsetDecoder utf8) {
        try {
            return utf8.decode(bytes.duplicate()).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Malformed bytes as U+FFFD, for the dead letter. */
    private static String lossy(ByteBuffer bytes) {
        return new String(bytes.array(), bytes.position(), bytes.remaining(), StandardCharsets.UTF_8);
    }

    /** Lines of a byte stream, without their \n, \r\n or \r, read in 64 KB chunks (no per-byte calls). */
    private static final class LineReader implements AutoCloseable {
        private final InputStream in;
        private byte[] buf = new byte[1 << 16];
        private int start;
        private int end;
        private boolean eof;
        private boolean skipLf; // the previous line ended with \r: a \n right after it belongs to it
        private String endOfLast = "";
        private String lineBreakBefore = "";
        private boolean unterminated;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The line break that ended the line before the one {@link #next} returned last: \n, \r\n or \r. */
        String lineBreakBefore() {
            return lineBreakBefore;
        }

        /** Whether the line {@link #next} returned last ended the file without a line break. */
        boolean unterminated() {
            return unterminated;
        }

        /** The next line as a view of the buffer, valid until the next call; null at the end. */
        ByteBuffer next() throws IOException {
            int scanned = start;
            lineBreakBefore = endOfLast;
            while (true) {
                if (skipLf) {
                    if (start == end && !eof) {
                        scanned = fill(scanned); // one more byte decides
                        continue;
                    }
                    skipLf = false;
                    if (start < end && buf[start] == '\n') {
                        lineBreakBefore = "\r\n";
                        start++;
                        scanned = Math.max(scanned, start);
                    }
                }
                for (int i = scanned; i < end; i++) {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') {
                        ByteBuffer line = ByteBuffer.wrap(buf, start, i - start);
                        skipLf = b == '\r';
                        endOfLast = skipLf ? "\r" : "\n";
                        start = i + 1;
                        return line;
                    }
                }
                if (eof) {
                    if (start == end) {
                        return null;
                    }
                    ByteBuffer last = ByteBuffer.wrap(buf, start, end - start);
                    unterminated = true;
                    start = end;
                    return last;
                }
                scanned = fill(end);
            }
        }

        /** Moves the unread bytes to the front (doubling the buffer for a long line), reads more; returns the scan position moved with them. */
        private int fill(int scanned) throws IOException {
            int unread = end - start;
            if (start == 0 && unread == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            } else if (start > 0) {
                System.arraycopy(buf, start, buf, 0, unread);
            }
            int resume = scanned - start;
            start = 0;
            end = unread;
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
            return resume;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * UTF-16 or UTF-32 text (a byte order mark, or the NUL bytes of the ASCII column names in it: half
     * or three quarters of the bytes) is refused as a whole, not line by line; a stray NUL in UTF-8 text is not.
     */
    private static void refuseWideText(ByteBuffer firstLine) throws IOException {
        int p = firstLine.position();
        int n = firstLine.remaining();
        byte[] b = firstLine.array();
        boolean mark = n >= 2 && ((b[p] == (byte) 0xFE && b[p + 1] == (byte) 0xFF) || (b[p] == (byte) 0xFF && b[p + 1] == (byte) 0xFE));
        int nuls = 0;
        for (int i = p; i < p + n; i++) {
            nuls += b[i] == 0 ? 1 : 0;
        }
        if (mark || 4 * nuls >= n && nuls > 0) {
            throw new IOException("the file is not UTF-8 text (" + (mark ? "it starts with a UTF-16 or UTF-32 byte order mark"
                    : "its first line is mostly NUL bytes, as UTF-16 or UTF-32 text is") + "): save it as UTF-8");
        }
    }

    /** A JSON array or pretty-printed JSON would give a dead letter a line: refused with what the file must be. */
    private static void refuseWholeJson(String firstLine) throws IOException {
        String start = firstLine.strip();
        // "[" alone or before an object or array: a CSV header may start with a column named "[x]"
        if (start.startsWith("[") && (start.length() == 1 || "{[]".indexOf(start.substring(1).stripLeading().charAt(0)) >= 0)) {
            throw new IOException("the file is a JSON array; replay reads JSON lines: one measurement object per line, no enclosing [ ]");
        }
        if (start.equals("{")) {
            throw new IOException("the first line is only '{' (pretty-printed JSON?); replay reads JSON lines: one whole measurement object per line");
        }
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

    /** Whether a line is a CSV header naming ts, feature and value (a CSV file named .json would give a dead letter a line). */
    private static boolean csvHeader(String line) {
        if (line.stripLeading().startsWith("{")) {
            return false;
        }
        Set<String> names = new HashSet<>();
        try {
            for (String name : Csv.split(line)) {
                names.add(column(name));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return names.containsAll(REQUIRED_COLUMNS);
    }

    private static final List<String> REQUIRED_COLUMNS = List.of("ts", "feature", "value");

    /** A header name as the columns are matched: whatever its case and surrounding spaces. */
    private static String column(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The header's column names; the columns a measurement is read from are recognised whatever their case and
     * surrounding spaces ({@code TS, Feature, Value}) and must each appear once; other columns are not read and may repeat.
     */
    private static String[] header(String line) throws IOException {
        String[] names;
        try {
            names = Csv.split(line);
        } catch (IllegalArgumentException e) {
            throw new IOException("CSV header: " + e.getMessage() + " (header: " + line + ")");
        }
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
            String known = column(names[i]);
            if (MeasurementParser.isField(known)) {
                names[i] = known;
                if (!distinct.add(known)) {
                    throw new IOException("CSV header names the column '" + known + "' twice (header: " + line + ")");
                }
            }
        }
        for (String required : REQUIRED_COLUMNS) {
            if (!distinct.contains(required)) {
                // a header without a comma split by ';' or tabs (Excel's in many locales), not a ';' in one column's name
                String separator = names.length > 1 ? null : line.indexOf(';') >= 0 ? "';'" : line.indexOf('\t') >= 0 ? "tabs" : null;
                throw new IOException("CSV header has no '" + required + "' column (header: " + line + ")"
                        + (separator != null ? "; its columns seem separated by " + separator + ", a CSV file here is comma-separated"
                        : line.stripLeading().startsWith("{") ? "; the file seems to be JSON lines: name it .jsonl" : ""));
            }
        }
        return names;
    }

}
