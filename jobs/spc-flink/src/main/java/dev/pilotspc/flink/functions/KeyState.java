package dev.pilotspc.flink.functions;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.flink.records.MeasurementRecord;

/**
 * Everything kept per (feature, batch), in one POJO so each measurement costs one state read and
 * one write: the monitor, the newest charted event time, fingerprints of recently charted
 * measurements (duplicate deliveries) and the last reported state (state-change alerts).
 */
public class KeyState {

    static final int RECENT = 16;

    public FeatureMonitor monitor;
    public long lastChartedTs = Long.MIN_VALUE;
    public long[] recentTs = new long[RECENT];
    public long[] recentValueBits = new long[RECENT];
    public String[] recentPart = new String[RECENT];
    public int recentHead;
    public int recentSize;
    public String lastState;
    public double lastX = Double.NaN;
    public String lastPart;

    public KeyState() {
    }

    /** Whether an identical measurement (same ts, part and value) was charted recently. */
    public boolean isDuplicate(MeasurementRecord r) {
        long bits = Double.doubleToLongBits(r.value);
        for (int k = 0; k < recentSize; k++) {
            int i = (recentHead - 1 - k + RECENT) % RECENT;
            if (recentTs[i] == r.tsNanos && recentValueBits[i] == bits && java.util.Objects.equals(recentPart[i], r.part)) {
                return true;
            }
        }
        return false;
    }

    public void remember(MeasurementRecord r) {
        recentTs[recentHead] = r.tsNanos;
        recentValueBits[recentHead] = Double.doubleToLongBits(r.value);
        recentPart[recentHead] = r.part;
        recentHead = (recentHead + 1) % RECENT;
        recentSize = Math.min(recentSize + 1, RECENT);
        lastChartedTs = Math.max(lastChartedTs, r.tsNanos);
    }
}
