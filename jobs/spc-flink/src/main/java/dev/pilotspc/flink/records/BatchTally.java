package dev.pilotspc.flink.records;

import dev.pilotspc.core.result.ReadinessResult;
import java.util.Arrays;

/**
 * What the batch verdict needs of its critical features' latest verdicts, kept up to date per
 * change: counts, and the names of those not ready and those with insufficient data, sorted. So a
 * feature's change costs O(1) (O(log n) plus an array copy when it joins or leaves a list), not a
 * walk over every feature of the batch. A Flink POJO (keyed state of the batch verdict).
 */
public class BatchTally {

    public int critical;
    public int unstable;
    public int incapable;
    public String[] notReady = new String[0];
    public String[] insufficient = new String[0];

    public BatchTally() {
    }

    /** Takes a feature's verdict out (before its next one is added); non-critical ones never counted. */
    public void remove(FeatureVerdict v) {
        if (!v.critical) {
            return;
        }
        critical--;
        unstable -= v.stable ? 0 : 1;
        incapable -= v.capable ? 0 : 1;
        if (ReadinessResult.NOT_READY.equals(v.verdict)) {
            notReady = without(notReady, v.feature);
        } else if (ReadinessResult.INSUFFICIENT_DATA.equals(v.verdict)) {
            insufficient = without(insufficient, v.feature);
        }
    }

    /** Counts a feature's verdict in, if the feature is critical. */
    public void add(FeatureVerdict v) {
        if (!v.critical) {
            return;
        }
        critical++;
        unstable += v.stable ? 0 : 1;
        incapable += v.capable ? 0 : 1;
        if (ReadinessResult.NOT_READY.equals(v.verdict)) {
            notReady = with(notReady, v.feature);
        } else if (ReadinessResult.INSUFFICIENT_DATA.equals(v.verdict)) {
            insufficient = with(insufficient, v.feature);
        }
    }

    private static String[] with(String[] sorted, String name) {
        int at = Arrays.binarySearch(sorted, name);
        if (at >= 0) {
            return sorted;
        }
        at = -at - 1;
        String[] more = new String[sorted.length + 1];
        System.arraycopy(sorted, 0, more, 0, at);
        more[at] = name;
        System.arraycopy(sorted, at, more, at + 1, sorted.length - at);
        return more;
    }

    private static String[] without(String[] sorted, String name) {
        int at = Arrays.binarySearch(sorted, name);
        if (at < 0) {
            return sorted;
        }
        String[] fewer = new String[sorted.length - 1];
        System.arraycopy(sorted, 0, fewer, 0, at);
        System.arraycopy(sorted, at + 1, fewer, at, sorted.length - at - 1);
        return fewer;
    }
}
