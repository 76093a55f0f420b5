package dev.pilotspc.flink.records;

/** A feature's readiness verdict when it changes, on its way to the batch verdict. */
public class FeatureVerdict {

    public long tsNanos;
    public String batch;
    public String feature;
    public String verdict;
    public boolean critical;
    public boolean stable;
    public boolean capable;

    public FeatureVerdict() {
    }

    public FeatureVerdict(long tsNanos, String batch, String feature, String verdict, boolean critical, boolean stable,
            boolean capable) {
        this.stable = stable;
        this.capable = capable;
        this.tsNanos = tsNanos;
        this.batch = batch;
        this.feature = feature;
        this.verdict = verdict;
        this.critical = critical;
    }
}
