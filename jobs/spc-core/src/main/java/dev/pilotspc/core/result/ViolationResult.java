package dev.pilotspc.core.result;

/**
 * One rule violation at one point ({@code spc_violation}), with a message a quality engineer can
 * read, and the X / X̄ chart's limits for that point (its own subgroup size; NaN before limits
 * exist), which alerts carry.
 */
public record ViolationResult(
        long tsNanos,
        Tags tags,
        String rule,
        double x,
        long n,
        String part,
        String message,
        double cl,
        double ucl,
        double lcl) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_violation";
    }
}
