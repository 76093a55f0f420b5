package dev.pilotspc.core.result;

/** One rule violation at one point ({@code spc_violation}), with a message a quality engineer can read. */
public record ViolationResult(
        long tsNanos,
        Tags tags,
        String rule,
        double x,
        long n,
        String part,
        String message) implements SpcResult {

    @Override
    public String measurement() {
        return "spc_violation";
    }
}
