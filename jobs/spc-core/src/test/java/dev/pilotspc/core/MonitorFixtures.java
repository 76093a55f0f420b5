package dev.pilotspc.core;

import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.result.SpcResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Builders shared by the monitor tests. */
public final class MonitorFixtures {

    static final long T0 = 1_764_000_000_000_000_000L;
    static final long SECOND = 1_000_000_000L;

    /**
     * Montgomery, Introduction to Statistical Quality Control (7th ed.), Table 6.3: inside diameter of
     * forged piston rings, 25 samples of 5 (Examples 6.1 and 6.3).
     */
    public static final double[][] PISTON_RINGS = {
        {74.030, 74.002, 74.019, 73.992, 74.008}, {73.995, 73.992, 74.001, 74.011, 74.004},
        {73.988, 74.024, 74.021, 74.005, 74.002}, {74.002, 73.996, 73.993, 74.015, 74.009},
        {73.992, 74.007, 74.015, 73.989, 74.014}, {74.009, 73.994, 73.997, 73.985, 73.993},
        {73.995, 74.006, 73.994, 74.000, 74.005}, {73.985, 74.003, 73.993, 74.015, 73.988},
        {74.008, 73.995, 74.009, 74.005, 74.004}, {73.998, 74.000, 73.990, 74.007, 73.995},
        {73.994, 73.998, 73.994, 73.995, 73.990}, {74.004, 74.000, 74.007, 74.000, 73.996},
        {73.983, 74.002, 73.998, 73.997, 74.012}, {74.006, 73.967, 73.994, 74.000, 73.984},
        {74.012, 74.014, 73.998, 73.999, 74.007}, {74.000, 73.984, 74.005, 73.998, 73.996},
        {73.994, 74.012, 73.986, 74.005, 74.007}, {74.006, 74.010, 74.018, 74.003, 74.000},
        {73.984, 74.002, 74.003, 74.005, 73.997}, {74.000, 74.010, 74.013, 74.020, 74.003},
        {73.982, 74.001, 74.015, 74.005, 73.996}, {74.004, 73.999, 73.990, 74.006, 74.009},
        {74.010, 73.989, 73.990, 74.009, 74.014}, {74.015, 74.008, 73.993, 74.000, 74.010},
        {73.982, 73.984, 73.995, 74.017, 74.013}};

    private MonitorFixtures() {
    }

    static FeatureConfig imr(String feature) {
        FeatureConfig c = new FeatureConfig();
        c.feature = feature;
        return c;
    }

    static FeatureConfig subgroups(String feature, ChartType chart, int n, int baseline) {
        FeatureConfig c = imr(feature);
        c.chart = chart;
        c.subgroupSize = n;
        c.baseline = baseline;
        return c;
    }

    static Measurement measurement(String feature, int i, double value) {
        return new Measurement(T0 + i * SECOND, feature, "B1", value, "P" + (i + 1), null, null, null, null, null);
    }

    /** Feeds values in order and returns every result. */
    static List<SpcResult> run(FeatureMonitor monitor, double... values) {
        List<SpcResult> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            monitor.update(measurement(monitor.config.feature, i, values[i]), out);
        }
        return out;
    }

    static <T extends SpcResult> List<T> ofType(List<SpcResult> results, Class<T> type) {
        return results.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static double[] flatten(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
