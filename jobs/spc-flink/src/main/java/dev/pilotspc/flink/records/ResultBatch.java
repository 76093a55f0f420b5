package dev.pilotspc.flink.records;

/** The line-protocol results of one charted measurement, with its event time and chart key for ordering. */
public class ResultBatch {

    public long tsNanos;
    public String chartKey;
    public String lines;

    public ResultBatch() {
    }

    public ResultBatch(long tsNanos, String chartKey, String lines) {
        this.tsNanos = tsNanos;
        this.chartKey = chartKey;
        this.lines = lines;
    }
}
