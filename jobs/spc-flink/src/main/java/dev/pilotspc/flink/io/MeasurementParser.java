package dev.pilotspc.flink.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses measurement records (CONTRACT.md §2) from JSON objects or CSV rows; a record that can't be
 * used comes back rejected with its reason, never as an exception.
 */
public final class MeasurementParser implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
    public static final String DEFAULT_BATCH = "default";

    // NaN and Infinity (as Python's json module writes them) are read, so they are non_finite_value
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Cells read as a number that is not finite (non_finite_value), as JSON's NaN and Infinity are. */
    private static final Set<String> NON_FINITE = Set.of("NaN", "Infinity", "+Infinity", "-Infinity");

    /** The fields read, each with its bit: one given twice makes the record ambiguous. */
    private static final Map<String, Integer> FIELD_BITS = fieldBits("ts", "value", "feature", "batch", "part",
            "subgroup", "line", "station", "gauge", "operator");

    /** The fields (CSV columns) a measurement is read from, CONTRACT §2. */
    static boolean isField(String name) {
        return FIELD_BITS.containsKey(name);
    }

    private static Map<String, Integer> fieldBits(String... names) {
        Map<String, Integer> bits = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            bits.put(names[i], 1 << i);
        }
        return Map.copyOf(bits);
    }

    private static final Logger LOG = LoggerFactory.getLogger(MeasurementParser.class);

    private final int maxRecordBytes;
    private transient boolean loggedUnreadable;
    /** How far ahead of this machine's clock a live record's ts may be; 0 = no limit (files). */
    private final long maxFutureMillis;

    public MeasurementParser(int maxRecordBytes) {
        this(maxRecordBytes, 0);
    }

    /**
     * A parser for live records: one stamped more than {@code maxFutureMillis} ahead of this
     * machine's clock is an {@code invalid_timestamp} (a gauge's clock or time zone is wrong), not
     * charted: it would end its chart's event time there (everything after it would be late) and
     * could move the watermark as far. 0 = no limit.
     */
    public MeasurementParser(int maxRecordBytes, long maxFutureMillis) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureMillis = maxFutureMillis;
    }

    public MeasurementParser() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    /** The detail of a record whose bytes are not UTF-8; its text shows them as U+FFFD. */
    public static final String NOT_UTF8 = "not valid UTF-8 (the bad bytes show as U+FFFD)";

    /** One JSON object per record, from its bytes (a Kafka value): bytes that are not UTF-8 make it unusable. */
    public MeasurementRecord parseJsonBytes(byte[] value) {
        if (value == null) {
            return parseJson((String) null);
        }
        String raw = new String(value, StandardCharsets.UTF_8);
        if (raw.indexOf('\uFFFD') >= 0 && !isUtf8(value)) { // decoding replaced bad bytes (or the text has U+FFFD)
            MeasurementRecord r = MeasurementRecord.rejected(raw, DeadLetter.INVALID_JSON, NOT_UTF8);
            r.rawBytes = value; // the dead letter passes the value on unchanged
            return r;
        }
        MeasurementRecord r = parseJson(raw);
        if (maxFutureMillis > 0 && r.isValid() && r.tsMillis() - System.currentTimeMillis() > maxFutureMillis) {
            return reject(r, DeadLetter.INVALID_TIMESTAMP, "ts " + java.time.Instant.ofEpochMilli(r.tsMillis())
                    + " is more than " + java.time.Duration.ofMillis(maxFutureMillis).toString().substring(2).toLowerCase()
                    + " ahead of the job's clock (a gauge's clock or time zone wrong?)");
        }
        return r;
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)); // reports malformed input
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** One JSON object per record. */
    public MeasurementRecord parseJson(String raw) {
        try {
            return readJson(raw);
        } catch (RuntimeException e) {
            return unreadable(raw, DeadLetter.INVALID_JSON, e);
        }
    }

    /** One CSV row, given the header's column names. */
    public MeasurementRecord parseCsv(String raw, String[] header) {
        try {
            return readCsv(raw, header);
        } catch (RuntimeException e) {
            return unreadable(raw, DeadLetter.INVALID_CSV, e);
        }
    }

    /**
     * A record that made the parser itself fail (a bug here, not in the record): a dead letter, never a
     * failed job; the first one is logged with its stack trace, the dead-letter counters show the rest.
     */
    private MeasurementRecord unreadable(String raw, String reason, RuntimeException e) {
        if (!loggedUnreadable) {
            loggedUnreadable = true;
            LOG.warn("A record could not be parsed (a bug in the parser); it goes to the dead letters", e);
        }
        return MeasurementRecord.rejected(raw, reason, "unreadable record: " + e);
    }

    private MeasurementRecord readJson(String raw) {
        if (raw == null) {
            return MeasurementRecord.rejected(null, DeadLetter.INVALID_JSON, "empty record (null value)");
        }
        if (oversized(raw)) {
            return rejectOversized(raw);
        }
        MeasurementRecord r = new MeasurementRecord();
        r.raw = raw;
        boolean hasTs = false;
        boolean hasValue = false;
        int seen = 0; // FIELD_BITS of the fields read
        // RFC 8259 lets a parser ignore a byte order mark (Windows tools write one); the record keeps it
        try (JsonParser p = JSON.createParser(raw.startsWith("\uFEFF") ? raw.substring(1) : raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return MeasurementRecord.rejected(raw, DeadLetter.INVALID_JSON, "not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                Integer bit = FIELD_BITS.get(name);
                if (bit != null) {
                    if ((seen & bit) != 0) {
                        return MeasurementRecord.rejected(raw, DeadLetter.INVALID_JSON, "field '" + name + "' given twice");
                    }
                    seen |= bit;
                }
                switch (name) {
                    case "ts" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                                throw new DateTimeException("epoch milliseconds out of range: " + p.getText());
                            }
                            r.tsNanos = Timestamps.fromMillis(p.getLongValue());
                        } else if (v == JsonToken.VALUE_NUMBER_FLOAT) {
                            if (p.isNaN()) {
                                throw new DateTimeException("epoch milliseconds not finite: " + p.getText());
                            }
                            r.tsNanos = Timestamps.fromMillis(p.getDecimalValue());
                        } else if (v == JsonToken.VALUE_STRING) {
                            r.tsNanos = Timestamps.parse(p.getText());
                        } else if (v != JsonToken.VALUE_NULL) {
                            return reject(r, DeadLetter.INVALID_TIMESTAMP, "ts must be an ISO-8601 instant or epoch milliseconds");
                        }
                        hasTs = v != JsonToken.VALUE_NULL;
                    }
                    case "value" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                            r.value = p.getDoubleValue();
                            hasValue = true;
                        } else if (v != JsonToken.VALUE_NULL) {
                            return reject(r, DeadLetter.INVALID_FIELD, "value must be a JSON number, got " + describe(p, v));
                        }
                    }
                    case "feature" -> r.feature = text(p, v);
                    case "batch" -> r.batch = text(p, v);
                    case "part" -> r.part = text(p, v);
                    case "subgroup" -> r.subgroup = text(p, v);
                    case "line" -> r.line = text(p, v);
                    case "station" -> r.station = text(p, v);
                    case "gauge" -> r.gauge = text(p, v);
                    case "operator" -> r.operator = text(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return MeasurementRecord.rejected(raw, DeadLetter.INVALID_JSON, "trailing content after the JSON object");
            }
        } catch (FieldTypeException e) {
            return reject(r, DeadLetter.INVALID_FIELD, e.getMessage());
        } catch (DateTimeException e) {
            return reject(r, DeadLetter.INVALID_TIMESTAMP, "bad ts: " + e.getMessage());
        } catch (IOException e) {
            return MeasurementRecord.rejected(raw, DeadLetter.INVALID_JSON, jsonProblem(e));
        }
        return validate(r, hasTs, hasValue);
    }

    private MeasurementRecord readCsv(String raw, String[] header) {
        if (oversized(raw)) {
            return rejectOversized(raw);
        }
        String[] cells;
        try {
            cells = Csv.split(raw);
        } catch (IllegalArgumentException e) {
            return MeasurementRecord.rejected(raw, DeadLetter.INVALID_CSV, e.getMessage());
        }
        if (cells.length != header.length) {
            return MeasurementRecord.rejected(raw, DeadLetter.INVALID_CSV,
                    "row has " + cells.length + " columns, the header " + header.length);
        }
        MeasurementRecord r = new MeasurementRecord();
        r.raw = raw;
        boolean hasTs = false;
        boolean hasValue = false;
        for (int i = 0; i < header.length; i++) {
            String cell = cells[i].isEmpty() ? null : cells[i];
            switch (header[i]) {
                case "ts" -> {
                    if (cell != null) {
                        try {
                            r.tsNanos = Timestamps.parse(cell);
                            hasTs = true;
                        } catch (DateTimeException e) {
                            return reject(r, DeadLetter.INVALID_TIMESTAMP, "bad ts: " + e.getMessage());
                        }
                    }
                }
                case "value" -> {
                    if (cell != null) {
                        String number = cell.trim();
                        if (!isDecimal(number) && !NON_FINITE.contains(number)) {
                            return reject(r, DeadLetter.INVALID_FIELD, "value must be a number, got '" + cell + "'");
                        }
                        r.value = Double.parseDouble(number);
                        hasValue = true;
                    }
                }
                case "feature" -> r.feature = cell;
                case "batch" -> r.batch = cell;
                case "part" -> r.part = cell;
                case "subgroup" -> r.subgroup = cell;
                case "line" -> r.line = cell;
                case "station" -> r.station = cell;
                case "gauge" -> r.gauge = cell;
                case "operator" -> r.operator = cell;
                default -> {
                    // extra columns are context we don't chart
                }
            }
        }
        return validate(r, hasTs, hasValue);
    }

    /**
     * A decimal number as a CSV cell holds one: [+-] digits [. digits] [e [+-] digits], the integral or
     * the fraction part may be empty (not both); not Java's hexadecimal, NaN, Infinity or 1.5d/f forms.
     */
    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        for (; i < n && isDigit(s.charAt(i)); i++) {
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            for (i++; i < n && isDigit(s.charAt(i)); i++) {
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = 0;
            for (; i < n && isDigit(s.charAt(i)); i++) {
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static MeasurementRecord validate(MeasurementRecord r, boolean hasTs, boolean hasValue) {
        if (r.feature == null || r.feature.isBlank()) {
            return reject(r, DeadLetter.MISSING_FIELD, "feature is missing");
        }
        if (!hasTs) {
            return reject(r, DeadLetter.MISSING_FIELD, "ts is missing");
        }
        if (!hasValue) {
            return reject(r, DeadLetter.MISSING_FIELD, "value is missing");
        }
        if (!Double.isFinite(r.value)) {
            return reject(r, DeadLetter.NON_FINITE_VALUE, "value is not finite: " + r.value);
        }
        if (r.batch == null || r.batch.isBlank()) {
            r.batch = DEFAULT_BATCH;
        }
        String tagProblem = Tags.problem("feature", r.feature);
        tagProblem = tagProblem != null ? tagProblem : Tags.problem("batch", r.batch);
        tagProblem = tagProblem != null ? tagProblem : Tags.problem("line", r.line);
        tagProblem = tagProblem != null ? tagProblem : Tags.problem("station", r.station);
        tagProblem = tagProblem != null ? tagProblem : Tags.notUnicode("part", r.part);
        if (tagProblem != null) {
            return reject(r, DeadLetter.INVALID_FIELD, tagProblem);
        }
        return r;
    }

    /** Records longer than this (UTF-8 bytes) are rejected as oversized. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    private MeasurementRecord rejectOversized(String raw) {
        return MeasurementRecord.rejected(raw, DeadLetter.OVERSIZED, "record of " + utf8Length(raw) + " bytes exceeds " + maxRecordBytes);
    }

    /** Longer than the limit in UTF-8 bytes; counted only when the characters alone don't decide. */
    private boolean oversized(String raw) {
        return raw.length() > maxRecordBytes || (3L * raw.length() > maxRecordBytes && utf8Length(raw) > maxRecordBytes);
    }

    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static MeasurementRecord reject(MeasurementRecord r, String reason, String detail) {
        return MeasurementRecord.rejected(r.raw, reason, detail);
    }

    /** A text field; an empty string is absent, as an empty CSV cell is. */
    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v == JsonToken.VALUE_STRING || v.isNumeric() || v.isBoolean()) {
            String text = p.getText();
            return text.isEmpty() ? null : text;
        }
        throw new FieldTypeException(p.currentName() + " must be a string, got " + describe(p, v));
    }

    private static String describe(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
            p.skipChildren();
            return v == JsonToken.START_OBJECT ? "an object" : "an array";
        }
        return (v == JsonToken.VALUE_STRING ? "the string '" : "'") + p.getText() + "'";
    }

    /** Jackson's problem in one line, without its location (the record is in the dead letter) or its parser set-up. */
    static String jsonProblem(IOException e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return "malformed JSON";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).replaceFirst(" \\(start marker at .*", "");
    }

    /** A field of the wrong JSON type. */
    private static final class FieldTypeException extends IOException {
        private static final long serialVersionUID = 1L;

        FieldTypeException(String message) {
            super(message);
        }
    }
}
