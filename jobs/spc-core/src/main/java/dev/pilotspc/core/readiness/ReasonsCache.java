package dev.pilotspc.core.readiness;

/**
 * The last readiness {@code reasons} text with the inputs it was built from, so the monitor reuses
 * it while they stay the same (most points) instead of concatenating it anew on every point.
 * Derived data, not state: the monitor keeps it in a transient field, which Flink's POJO serializer
 * and savepoints skip, so a restored monitor (or newer code) simply builds the text again.
 */
public class ReasonsCache {

    /** The cached text; null when nothing is cached. */
    public String text;
    /** Which parts the text has and the verdict flags (see the monitor's readiness). */
    public int flags;
    public long oocPoints;
    public String oocText;
    public String driftText;
    /** Capability estimate and lower bound in rounded hundredths, as the text shows them. */
    public long estimate;
    public long bound;
    public long minIndexBits;

    public ReasonsCache() {
    }

    /** The cached text if it was built from exactly these inputs, else null. */
    public String get(int flags, long oocPoints, String oocText, String driftText, long estimate, long bound,
            long minIndexBits) {
        boolean same = text != null && flags == this.flags && oocPoints == this.oocPoints
                && estimate == this.estimate && bound == this.bound && minIndexBits == this.minIndexBits
                && java.util.Objects.equals(oocText, this.oocText) && java.util.Objects.equals(driftText, this.driftText);
        return same ? text : null;
    }

    /** Remembers {@code text} as built from these inputs and returns it. */
    public String put(int flags, long oocPoints, String oocText, String driftText, long estimate, long bound,
            long minIndexBits, String text) {
        this.flags = flags;
        this.oocPoints = oocPoints;
        this.oocText = oocText;
        this.driftText = driftText;
        this.estimate = estimate;
        this.bound = bound;
        this.minIndexBits = minIndexBits;
        this.text = text;
        return text;
    }
}
