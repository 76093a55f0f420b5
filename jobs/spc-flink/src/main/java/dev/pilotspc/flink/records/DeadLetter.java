package dev.pilotspc.flink.records;

import java.util.List;

/** A record the job could not chart, with the reason; {@code record} is the original text, unchanged. */
public class DeadLetter {

    public static final String INVALID_JSON = "invalid_json";
    public static final String INVALID_CSV = "invalid_csv";
    public static final String MISSING_FIELD = "missing_field";
    public static final String INVALID_FIELD = "invalid_field";
    public static final String NON_FINITE_VALUE = "non_finite_value";
    public static final String INVALID_TIMESTAMP = "invalid_timestamp";
    public static final String OVERSIZED = "oversized";
    public static final String UNKNOWN_FEATURE = "unknown_feature";
    public static final String LATE = "late";
    public static final String DUPLICATE = "duplicate";
    public static final String INVALID_DEFINITION = "invalid_definition";

    /** The reasons of records that fail parsing (counted where they are routed aside). */
    public static final List<String> PARSE_REASONS = List.of(INVALID_JSON, INVALID_CSV, MISSING_FIELD, INVALID_FIELD,
            NON_FINITE_VALUE, INVALID_TIMESTAMP, OVERSIZED);
    /** The reasons the charts give (counted by the monitor). */
    public static final List<String> CHART_REASONS = List.of(UNKNOWN_FEATURE, LATE, DUPLICATE, INVALID_DEFINITION);

    public String reason;
    public String detail;
    public String record;
    /** The record's bytes where they are not UTF-8 (so {@link #record} could not hold them unchanged), else null. */
    public byte[] recordBytes;
    public String key;
    /** The key's bytes where they are not UTF-8, else null. */
    public byte[] keyBytes;
    /** The record's line in its file (replays); 0 from Kafka. */
    public long seq;

    public DeadLetter() {
    }

    public DeadLetter(String reason, String detail, String record, String key) {
        this.reason = reason;
        this.detail = detail;
        this.record = record;
        this.key = key;
    }

    @Override
    public String toString() {
        return reason + ": " + detail + " <" + record + ">";
    }
}
