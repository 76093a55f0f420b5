package dev.pilotspc.core.readiness;

import java.math.BigDecimal;

/**
 * When a feature is ready for volume production (CONTRACT.md §4 {@code spc_readiness}): enough parts
 * with limits in force, stable in the monitor phase, and a capability lower bound at the threshold.
 */
public class ReadinessPolicy implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MIN_PARTS = 30;
    /** Most parts a minimum may ask for: charts remember that many part serials until they are reached. */
    public static final int MAX_MIN_PARTS = 100_000;
    public static final double DEFAULT_MIN_INDEX = 1.33;

    /** Distinct parts measured needed before a verdict other than insufficient_data. */
    public int minParts = DEFAULT_MIN_PARTS;
    /** Capability needed: Ppk's (else Cpk's) lower 95 % bound, or the point estimate. */
    public double minIndex = DEFAULT_MIN_INDEX;
    /** Judge capability by the point estimate instead of the lower confidence bound. */
    public boolean pointEstimate;
    /** Stability looks at the last this many points of the monitor phase; 0 = all of it. */
    public int window;

    public ReadinessPolicy() {
    }

    public ReadinessPolicy(int minParts, double minIndex, boolean pointEstimate, int window) {
        this.minParts = minParts;
        this.minIndex = minIndex;
        this.pointEstimate = pointEstimate;
        this.window = window;
    }

    /** The criteria in words, for the batch's verdict line (a report states what "ready" meant). */
    public String describe() {
        return "limits in force, at least " + minParts + " parts; no out-of-control point or drift alarm in the "
                + (window == 0 ? "monitor phase" : "last " + window + " points of the monitor phase") + "; Ppk"
                + (pointEstimate ? "" : " 95 % lower bound") + " (else Cpk"
                + (pointEstimate ? "" : "'s; the estimate without a bound") + ") at least "
                + BigDecimal.valueOf(minIndex).stripTrailingZeros().toPlainString() + "; batch: every critical feature ready";
    }
}
