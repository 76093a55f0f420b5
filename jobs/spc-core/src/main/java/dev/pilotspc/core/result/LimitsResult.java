package dev.pilotspc.core.result;

/**
 * Control limits established or revised ({@code spc_limits}); {@code source} is baseline or history.
 * Absent values are NaN.
 */
public record LimitsResult(
        long tsNanos,
        Tags tags,
        String chart,
        double cl,
        double ucl,
        double lcl,
        double dispCl,
        double dispUcl,
        double dispLcl,
        double sigma,
        int m,
        int excluded,
        String source) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_limits";
    }
}
