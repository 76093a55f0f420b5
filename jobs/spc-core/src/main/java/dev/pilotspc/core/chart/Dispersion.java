package dev.pilotspc.core.chart;

import dev.pilotspc.core.ControlConstants;
import dev.pilotspc.core.config.ChartType;

/**
 * Dispersion statistics and their 3-sigma limits from the within-subgroup sigma: MR and R charts
 * d2σ with limits (d2 ± 3d3)σ, S chart c4σ with (c4 ± 3c5)σ, lower limits floored at 0
 * (Montgomery, Introduction to SQC, 7th ed., §6.2–6.4). With σ = R̄/d2 these are R̄, D3R̄, D4R̄.
 */
public final class Dispersion {

    private Dispersion() {
    }

    /** Observations behind one dispersion value: 2 for a moving range, else the subgroup size. */
    public static int observations(ChartType chart, int size) {
        return chart == ChartType.IMR ? 2 : size;
    }

    /** Expected value of the dispersion statistic per unit sigma (d2 or c4). */
    public static double centreFactor(ChartType chart, int size) {
        int k = observations(chart, size);
        return chart == ChartType.XBAR_S ? ControlConstants.c4(k) : ControlConstants.d2(k);
    }

    /** Standard deviation of the dispersion statistic per unit sigma (d3 or c5). */
    public static double spreadFactor(ChartType chart, int size) {
        int k = observations(chart, size);
        return chart == ChartType.XBAR_S ? ControlConstants.c5(k) : ControlConstants.d3(k);
    }

    public static double centre(ChartType chart, int size, double sigma) {
        return centreFactor(chart, size) * sigma;
    }

    public static double upper(ChartType chart, int size, double sigma) {
        return (centreFactor(chart, size) + 3 * spreadFactor(chart, size)) * sigma;
    }

    public static double lower(ChartType chart, int size, double sigma) {
        return Math.max(0, (centreFactor(chart, size) - 3 * spreadFactor(chart, size)) * sigma);
    }

    /** Whether a dispersion value lies beyond its limits (rule D1), strictly up to rounding error ({@link Compare}). */
    public static boolean beyond(ChartType chart, int size, double sigma, double disp) {
        double lower = lower(chart, size, sigma);
        return Compare.above(disp, upper(chart, size, sigma)) || (lower > 0 && Compare.below(disp, lower));
    }

    /**
     * Mean of {@code values[0..size)} from a compensated sum (Neumaier 1974; error about 1 ulp), so
     * readings whose mean is a decimal like the centre line give it, not its neighbour.
     */
    public static double mean(double[] values, int size) {
        return sum(values, size) / size;
    }

    /** Compensated sum (Neumaier 1974) of {@code values[0..size)}. */
    public static double sum(double[] values, int size) {
        double sum = 0;
        double compensation = 0;
        for (int j = 0; j < size; j++) {
            double x = values[j];
            double t = sum + x;
            compensation += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }

    /** Range or sample standard deviation of {@code values[0..size)}, as the chart plots it. */
    public static double ofSubgroup(ChartType chart, double[] values, int size) {
        if (chart == ChartType.XBAR_S) {
            return Math.sqrt(QStatistic.variance(values, size));
        }
        double min = values[0];
        double max = values[0];
        for (int j = 1; j < size; j++) {
            min = Math.min(min, values[j]);
            max = Math.max(max, values[j]);
        }
        return max - min;
    }
}
