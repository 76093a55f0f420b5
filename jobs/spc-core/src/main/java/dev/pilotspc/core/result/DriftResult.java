package dev.pilotspc.core.result;

/**
 * A drift alarm ({@code spc_drift}) from the trend or Page-Hinkley detector; {@code partsToLimit}
 * is null when no spec limit lies ahead of the trend.
 */
public record DriftResult(
        long tsNanos,
        Tags tags,
        String detector,
        double slope,
        double pValue,
        Double partsToLimit,
        String direction,
        double x,
        long n,
        String part,
        String message) implements SpcResult {

    public static final String TREND = "trend";
    public static final String PAGE_HINKLEY = "page_hinkley";

    @Override
    public String measurement() {
        return "spc_drift";
    }
}
