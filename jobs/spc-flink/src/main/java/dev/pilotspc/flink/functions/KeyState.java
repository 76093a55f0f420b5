package dev.pilotspc.flink.functions;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.util.Arrays;
import java.util.Objects;

/**
 * The chart of a (feature, batch), in one POJO so charting a measurement costs one state read and
 * one write: the monitor, the newest charted event time, the identities of recently charted
 * measurements (duplicate deliveries), the last reported state (state-change alerts) and the
 * timers of the measurements waiting for the watermark (which wait in a list state of their own:
 * {@link MonitorFunction}).
 */
public class KeyState {

    /** Room for the charted measurements remembered; at least half of it, the last ones, stays when the newest ts moves on. */
    static final int RECENT = 16;
    /** At most this many measurements of one timestamp are remembered (the last ones): bounds state and the look-up. */
    static final int MAX_AT_ONE_TS = 4096;

    public FeatureMonitor monitor;
    public long lastChartedTs = Long.MIN_VALUE;
    /**
     * Recently charted measurements (ts, value, part), in charting order: at least the last
     * {@code RECENT / 2} and every one charted at {@link #lastChartedTs} (up to {@link #MAX_AT_ONE_TS}),
     * so a copy of one at the newest timestamp is known (a copy of an older one is late anyway; the
     * last few are kept to call it a duplicate instead).
     */
    public long[] recentTs = new long[RECENT];
    public long[] recentValueBits = new long[RECENT];
    public String[] recentPart = new String[RECENT];
    public int recentSize;
    public String lastState;
    public String lastVerdict;
    /** Stability and capability sent with the last verdict to the batch verdict. */
    public boolean lastStable;
    public boolean lastCapable;
    /** Whether the feature counted as critical in the last verdict sent; null = unknown (state from before). */
    public Boolean lastCritical;
    /** When (processing time) the last verdict went to the batch verdict: resent while unchanged, so the batch knows the chart lives. */
    public long lastVerdictSentAt;
    /**
     * Measurements waiting for the watermark in the state of earlier versions (sorted by event time,
     * ties in arrival order), which kept them here; moved to the waiting list when the chart next
     * looks at what waits. Empty in state written since.
     */
    public MeasurementRecord[] pending = new MeasurementRecord[0];
    public int pendingCount;
    /** The earliest event-time timer registered for the pending measurements (ms), or Long.MAX_VALUE. */
    public long timerAt = Long.MAX_VALUE;
    /** The processing-time timer that frees waiting measurements when the watermark stalls, or Long.MAX_VALUE. */
    public long stallTimerAt = Long.MAX_VALUE;
    /** The operator's watermark when that timer was set. */
    public long watermarkAtStallTimer;
    /** The latest event time (ns) waiting when that timer was set: charted when it fires, whatever the watermark. */
    public long stallUpToTs = Long.MIN_VALUE;
    public double lastX = Double.NaN;
    public String lastPart;
    /**
     * The feature's definition as last looked up, valid while the function's definitions version is
     * {@link #definitionVersion}; not state (transient): recomputed after a restore.
     */
    public transient FeatureConfig definition;
    public transient long definitionVersion = -1;

    public KeyState() {
    }

    /** Whether an identical measurement (same ts, part and value) was charted recently: always when at the newest ts. */
    public boolean isDuplicate(MeasurementRecord r) {
        if (r.tsNanos > lastChartedTs) {
            return false; // newer than everything charted (the usual case)
        }
        long bits = Double.doubleToLongBits(r.value);
        for (int i = recentSize - 1; i >= 0; i--) {
            if (recentTs[i] == r.tsNanos && recentValueBits[i] == bits && Objects.equals(recentPart[i], r.part)) {
                return true;
            }
        }
        return false;
    }

    /** Notes a charted measurement (charting goes in event-time order). */
    public void remember(MeasurementRecord r) {
        if (r.tsNanos > lastChartedTs) {
            lastChartedTs = r.tsNanos;
            if (recentSize == recentTs.length || recentTs.length > RECENT) {
                // all older than the newest now: the last few are enough (and a burst's room goes)
                keepLast(Math.min(recentSize, RECENT / 2));
            }
        } else if (recentSize >= MAX_AT_ONE_TS) { // >=: state restored from a version without the bound
            keepLast(MAX_AT_ONE_TS / 2); // a flood at one timestamp: the earlier half goes
        } else if (recentSize == recentTs.length) {
            int capacity = recentSize * 2; // many at one timestamp: keep them all
            recentTs = Arrays.copyOf(recentTs, capacity);
            recentValueBits = Arrays.copyOf(recentValueBits, capacity);
            recentPart = Arrays.copyOf(recentPart, capacity);
        }
        recentTs[recentSize] = r.tsNanos;
        recentValueBits[recentSize] = Double.doubleToLongBits(r.value);
        recentPart[recentSize] = r.part;
        recentSize++;
    }

    /**
     * Moves the last {@code count} entries to the front: in place, or into arrays of the usual size
     * again when a burst at one timestamp is over.
     */
    private void keepLast(int count) {
        int from = recentSize - count;
        int capacity = count > RECENT ? recentTs.length : RECENT;
        boolean inPlace = recentTs.length == capacity;
        long[] ts = inPlace ? recentTs : new long[capacity];
        long[] valueBits = inPlace ? recentValueBits : new long[capacity];
        String[] part = inPlace ? recentPart : new String[capacity];
        System.arraycopy(recentTs, from, ts, 0, count);
        System.arraycopy(recentValueBits, from, valueBits, 0, count);
        System.arraycopy(recentPart, from, part, 0, count);
        recentTs = ts;
        recentValueBits = valueBits;
        Arrays.fill(part, count, capacity, null);
        recentPart = part;
        recentSize = count;
    }
}
