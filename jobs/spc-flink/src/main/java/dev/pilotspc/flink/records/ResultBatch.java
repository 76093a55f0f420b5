package dev.pilotspc.flink.records;

/** The line-protocol results (UTF-8) of one charted measurement, with its event time and chart key for ordering. */
public class ResultBatch {

    public long tsNanos;
    public String chartKey;
    public byte[] lines;

    public ResultBatch() {
    }

    public ResultBatch(long tsNanos, String chartKey, byte[] lines) {
        this.tsNanos = tsNanos;
        this.chartKey = chartKey;
        this.lines = lines;
    }
}
