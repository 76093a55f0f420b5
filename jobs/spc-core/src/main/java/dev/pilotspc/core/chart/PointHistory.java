package dev.pilotspc.core.chart;

/** The last {@value #CAPACITY} points of a chart, newest first on read: what run rules look back over. */
public class PointHistory {

    /** Longest look-back of any run rule (Nelson's 15 points within 1 sigma). */
    public static final int CAPACITY = 15;

    public double[] values = new double[CAPACITY];
    /** Index where the next value goes. */
    public int head;
    public int size;

    public PointHistory() {
    }

    public void push(double x) {
        values[head] = x;
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

    public void clear() {
        head = 0;
        size = 0;
    }
}
