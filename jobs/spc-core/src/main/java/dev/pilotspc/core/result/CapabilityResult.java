package dev.pilotspc.core.result;

/**
 * Process capability over the batch so far ({@code spc_capability}); indices that need a missing
 * spec limit are absent. {@code ppmExpected} uses the overall sigma, {@code ppmExpectedWithin} the
 * within sigma (absent while the chart has none). Absent values are NaN.
 */
public record CapabilityResult(
        long tsNanos,
        Tags tags,
        long n,
        double mean,
        double sigmaWithin,
        double sigmaOverall,
        double cp,
        double cpk,
        double cpu,
        double cpl,
        double pp,
        double ppk,
        double cpm,
        double cpLcl,
        double cpkLcl,
        double ppkLcl,
        double ppmExpected,
        double ppmObserved,
        double ppmExpectedWithin) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_capability";
    }
}
