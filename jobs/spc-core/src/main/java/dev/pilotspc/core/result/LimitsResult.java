package dev.pilotspc.core.result;

/** Control limits established or revised ({@code spc_limits}); {@code source} is baseline or history. */
public record LimitsResult(
        long tsNanos,
        Tags tags,
        String chart,
        double cl,
        double ucl,
        double lcl,
        Double dispCl,
        Double dispUcl,
        Double dispLcl,
        double sigma,
        int m,
        int excluded,
        String source) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_limits";
    }
}
