package dev.pilotspc.flink.records;

import dev.pilotspc.core.Measurement;

/**
 * A measurement on its way through the job: the parsed fields, or why it could not be parsed,
 * always with the original record text so a rejected record reaches the dead-letter output unchanged.
 */
public class MeasurementRecord {

    public long tsNanos;
    public String feature;
    public String batch;
    public double value;
    public String part;
    public String subgroup;
    public String line;
    public String station;
    public String gauge;
    public String operator;
    /** The record as received (Kafka value or file line). */
    public String raw;
    /** The Kafka value's bytes where they are not UTF-8 (raw shows them as U+FFFD), for the dead letter; else null. */
    public byte[] rawBytes;
    /** The Kafka record key, if any. */
    public String key;
    /** The Kafka key's bytes where they are not UTF-8 (key shows them as U+FFFD), for the dead letter; else null. */
    public byte[] keyBytes;
    /** Null for a usable measurement, else a {@link DeadLetter} reason. */
    public String rejectReason;
    public String rejectDetail;
    /** The record's line in its file (replays), which orders the replay's dead letters; 0 from Kafka. */
    public long seq;
    /** The last measurement of its chart in a replayed file: the chart's open subgroup is charted after it. */
    public boolean lastOfChart;

    public MeasurementRecord() {
    }

    public static MeasurementRecord rejected(String raw, String reason, String detail) {
        MeasurementRecord r = new MeasurementRecord();
        r.raw = raw;
        r.rejectReason = reason;
        r.rejectDetail = detail;
        return r;
    }

    public boolean isValid() {
        return rejectReason == null;
    }

    /** Event time in epoch milliseconds, as Flink's watermarks count it. */
    public long tsMillis() {
        return Math.floorDiv(tsNanos, 1_000_000L);
    }

    /**
     * Whether the event time is at or before {@code watermarkMillis}, as {@code tsMillis() <=
     * watermarkMillis} but without a long division per waiting measurement.
     */
    public boolean isAtOrBefore(long watermarkMillis) {
        if (watermarkMillis >= Long.MAX_VALUE / 1_000_000L) {
            return true;
        }
        if (watermarkMillis <= Long.MIN_VALUE / 1_000_000L) {
            return tsMillis() <= watermarkMillis;
        }
        return tsNanos < (watermarkMillis + 1) * 1_000_000L;
    }

    /** Between feature and batch in a chart key: a control character, which a usable measurement's ids never hold. */
    public static final char CHART_KEY_SEPARATOR = '\u001f';

    /** The key a chart is kept under: (feature, batch). */
    public String chartKey() {
        return chartKey(feature, batch);
    }

    /** The key of the chart of {@code feature} in {@code batch} (the batch verdict's: feature {@code *}). */
    public static String chartKey(String feature, String batch) {
        return feature + CHART_KEY_SEPARATOR + batch;
    }

    public Measurement toMeasurement() {
        return new Measurement(tsNanos, feature, batch, value, part, subgroup, line, station, gauge, operator);
    }

    public DeadLetter toDeadLetter(String reason, String detail) {
        DeadLetter d = new DeadLetter(reason, detail, raw, key);
        d.recordBytes = rawBytes;
        d.keyBytes = keyBytes;
        d.seq = seq;
        return d;
    }
}
