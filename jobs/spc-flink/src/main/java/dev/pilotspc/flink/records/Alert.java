package dev.pilotspc.flink.records;

/**
 * An alert for {@code spc.alerts}: record key (the feature) and the JSON value of CONTRACT.md §5,
 * with its event time and chart key, which order a replay's alerts file.
 */
public class Alert {

    public long tsNanos;
    public String chartKey;
    public String key;
    public String json;

    public Alert() {
    }

    public Alert(long tsNanos, String chartKey, String key, String json) {
        this.tsNanos = tsNanos;
        this.chartKey = chartKey;
        this.key = key;
        this.json = json;
    }

    @Override
    public String toString() {
        return json;
    }
}
