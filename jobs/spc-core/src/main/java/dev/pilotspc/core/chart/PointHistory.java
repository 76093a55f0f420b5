package dev.pilotspc.core.chart;

/** The last {@value #CAPACITY} points of a chart, newest first on read: what run rules look back over. */
public class PointHistory {

    /** Longest look-back of any run rule (Nelson's 15 points within 1 sigma). */
    public static final int CAPACITY = 15;

    public double[] values = new double[CAPACITY];
    /**
     * √n of each point's subgroup (1 for individuals): a point's zones are σ/√n wide, whatever the
     * size of the point that looks back at it. 0 where state predates this field (see rootSize).
     */
    public double[] rootSizes = new double[CAPACITY];
    /** Index where the next value goes. */
    public int head;
    public int size;

    public PointHistory() {
    }

    /** An individual value (or a point plotted with σ itself). */
    public void push(double x) {
        push(x, 1);
    }

    /** A subgroup mean of {@code n} measurements. */
    public void push(double x, int n) {
        pushWithRootSize(x, n == 1 ? 1 : Math.sqrt(n));
    }

    /** A point with √n given, e.g. copied from another history. */
    public void pushWithRootSize(double x, double rootSize) {
        values[head] = x;
        rootSizes[head] = rootSize;
        head = head + 1 == CAPACITY ? 0 : head + 1; // no division: run rules read the history on every point
        if (size < CAPACITY) {
            size++;
        }
    }

    /** The k-th most recent value, k = 0 being the newest; k < size. */
    public double get(int k) {
        int i = head - 1 - k;
        return values[i < 0 ? i + CAPACITY : i];
    }

    /** √n of the k-th most recent point; unknown (0) in state from before sizes were kept: the newest point's. */
    public double rootSize(int k) {
        int i = head - 1 - k;
        double root = rootSizes[i < 0 ? i + CAPACITY : i];
        return root != 0 || k == 0 ? root : rootSize(0);
    }
}
