package dev.pilotspc.core.result;

/**
 * A drift alarm ({@code spc_drift}): from the trend detector (slope per part, p-value) or the
 * Page-Hinkley mean-change detector (estimated shift); {@code partsToLimit} is absent when no spec
 * limit lies ahead, as are values a detector does not produce. Absent values are NaN.
 */
public record DriftResult(
        long tsNanos,
        Tags tags,
        String detector,
        double slope,
        double pValue,
        double shift,
        double partsToLimit,
        String direction,
        double x,
        long n,
        String part,
        String message) implements SpcResult {

    public static final String TREND = "trend";
    public static final String PAGE_HINKLEY = "page_hinkley";
    public static final String UP = "up";
    public static final String DOWN = "down";

    @Override
    public String measurement() {
        return "spc_drift";
    }
}
