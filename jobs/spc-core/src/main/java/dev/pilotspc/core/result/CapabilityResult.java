package dev.pilotspc.core.result;

/**
 * Process capability over the batch so far ({@code spc_capability}); indices that need a missing
 * spec limit are null. {@code ppmExpected} uses the overall sigma, {@code ppmExpectedWithin} the
 * within sigma (null while the chart has none).
 */
public record CapabilityResult(
        long tsNanos,
        Tags tags,
        long n,
        double mean,
        Double sigmaWithin,
        double sigmaOverall,
        Double cp,
        Double cpk,
        Double cpu,
        Double cpl,
        Double pp,
        Double ppk,
        Double cpm,
        Double cpLcl,
        Double cpkLcl,
        Double ppkLcl,
        double ppmExpected,
        double ppmObserved,
        Double ppmExpectedWithin) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_capability";
    }
}
