package dev.pilotspc.core.result;

/**
 * One charted point ({@code spc_point}): the individual or subgroup mean with the limits in force,
 * the dispersion statistic, rule hits, and EWMA / CUSUM / Q values where enabled. Absent values are null.
 */
public record PointResult(
        long tsNanos,
        Tags tags,
        String chart,
        double x,
        long n,
        String phase,
        Double cl,
        Double ucl,
        Double lcl,
        Double disp,
        Double dispCl,
        Double dispUcl,
        Double dispLcl,
        Double sigma,
        boolean ooc,
        String rules,
        String part,
        Double target,
        Double lsl,
        Double usl,
        Double ewma,
        Double ewmaUcl,
        Double ewmaLcl,
        Double cusumHi,
        Double cusumLo,
        Double cusumH,
        Double q) implements SpcResult {

    public static final String BASELINE = "baseline";
    public static final String MONITOR = "monitor";

    @Override
    public String measurement() {
        return "spc_point";
    }
}
