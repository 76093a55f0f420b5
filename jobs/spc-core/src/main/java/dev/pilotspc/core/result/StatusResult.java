package dev.pilotspc.core.result;

/** The chart's state after a point ({@code spc_status}). */
public record StatusResult(
        long tsNanos,
        Tags tags,
        String state,
        long oocCount,
        long points,
        String lastRule) implements SpcResult {

    public static final String BASELINE = "baseline";
    public static final String IN_CONTROL = "in_control";
    public static final String OUT_OF_CONTROL = "out_of_control";
    public static final String DRIFTING = "drifting";

    @Override
    public String measurement() {
        return "spc_status";
    }
}
