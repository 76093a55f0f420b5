package dev.pilotspc.flink.records;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The line-protocol results (UTF-8) of one charted measurement, with its event time and chart key for
 * ordering. Only the first {@link #length} bytes of {@link #lines} count: the charts hand chained
 * sinks their reused buffer, and {@link #compact()} makes the copy that may be kept or sent on.
 */
public class ResultBatch {

    public long tsNanos;
    public String chartKey;
    public byte[] lines;
    public int length;

    public ResultBatch() {
    }

    public ResultBatch(long tsNanos, String chartKey, byte[] lines) {
        this(tsNanos, chartKey, lines, lines.length);
    }

    public ResultBatch(long tsNanos, String chartKey, byte[] lines, int length) {
        this.tsNanos = tsNanos;
        this.chartKey = chartKey;
        this.lines = lines;
        this.length = length;
    }

    /** This batch, or a copy whose array holds exactly its bytes. */
    public ResultBatch compact() {
        return lines.length == length ? this : new ResultBatch(tsNanos, chartKey, bytes());
    }

    /** The lines, in an array of their own length. */
    public byte[] bytes() {
        return lines.length == length ? lines : Arrays.copyOf(lines, length);
    }

    /** The lines as text. */
    public String text() {
        return new String(lines, 0, length, StandardCharsets.UTF_8);
    }
}
