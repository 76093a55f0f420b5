package dev.pilotspc.core.result;

/**
 * One charted point ({@code spc_point}): the individual or subgroup mean with the limits in force,
 * the dispersion statistic, rule hits, and EWMA / CUSUM / Q values where enabled. Absent values are NaN;
 * part, gauge and operator are those of the point's (for a subgroup: its last) measurement, or null.
 */
public record PointResult(
        long tsNanos,
        Tags tags,
        String chart,
        double x,
        long n,
        String phase,
        double cl,
        double ucl,
        double lcl,
        double disp,
        double dispCl,
        double dispUcl,
        double dispLcl,
        double sigma,
        boolean ooc,
        String rules,
        String part,
        String gauge,
        String operator,
        double target,
        double lsl,
        double usl,
        double ewma,
        double ewmaUcl,
        double ewmaLcl,
        double cusumHi,
        double cusumLo,
        double cusumH,
        double q) implements SpcResult {

    public static final String BASELINE = "baseline";
    public static final String MONITOR = "monitor";

    @Override
    public String measurement() {
        return "spc_point";
    }
}
