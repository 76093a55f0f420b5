package dev.pilotspc.core.config;

/**
 * A validated feature definition with every default applied (CONTRACT.md §3). Plain public fields
 * so Flink serialises it as a POJO; absent numbers are NaN.
 */
public class FeatureConfig {

    public static final int DEFAULT_BASELINE = 25;

    /** Most points (or subgroups) a baseline may take; phase I waiting for a dispersion grows up to it. */
    public static final int MAX_BASELINE = 1000;

    public static final int DEFAULT_SUBGROUP_SIZE = 5;
    public static final int DEFAULT_DRIFT_WINDOW = 20;
    public static final double DEFAULT_DRIFT_ALPHA = 0.001;
    public static final double DEFAULT_PH_DELTA = 0.5;
    public static final double DEFAULT_PH_LAMBDA = 10;

    public String feature;
    public String name;
    public String unit;
    public double target = Double.NaN;
    public double lsl = Double.NaN;
    public double usl = Double.NaN;
    public ChartType chart = ChartType.IMR;
    public int subgroupSize = 1;
    public int baseline = DEFAULT_BASELINE;
    /** Limits known from history; NaN when the chart establishes its own from a baseline. */
    public double knownMean = Double.NaN;
    public double knownSigma = Double.NaN;
    /** Bit mask of {@link Rule}s applied to the X / X-bar chart. */
    public int rules = Rule.westernElectric();
    /** EWMA smoothing constant and limit width in sigmas; NaN = off. */
    public double ewmaLambda = Double.NaN;
    public double ewmaSigmas = Double.NaN;
    /** CUSUM reference value k and decision interval h in sigma units; NaN = off. */
    public double cusumK = Double.NaN;
    public double cusumH = Double.NaN;
    /** Fast initial response: C⁺ and C⁻ start at this fraction of h (0 = none, 0.5 is usual). */
    public double cusumHeadStart = 0;
    public QChartMode qChart = QChartMode.BASELINE;
    public boolean drift = true;
    public int driftWindow = DEFAULT_DRIFT_WINDOW;
    public double driftAlpha = DEFAULT_DRIFT_ALPHA;
    /** Page-Hinkley allowance and threshold, in sigma units. */
    public double phDelta = DEFAULT_PH_DELTA;
    public double phLambda = DEFAULT_PH_LAMBDA;
    public boolean baselineExcludeOoc = true;
    public boolean critical = true;

    public FeatureConfig() {
    }

    public boolean hasLsl() {
        return !Double.isNaN(lsl);
    }

    public boolean hasUsl() {
        return !Double.isNaN(usl);
    }

    public boolean hasTarget() {
        return !Double.isNaN(target);
    }

    public boolean hasKnownLimits() {
        return !Double.isNaN(knownMean);
    }

    public boolean ewmaEnabled() {
        return !Double.isNaN(ewmaLambda);
    }

    public boolean cusumEnabled() {
        return !Double.isNaN(cusumK);
    }

    /** A copy, so a definition held in state is never shared with the one a caller may change. */
    public FeatureConfig copy() {
        FeatureConfig c = new FeatureConfig();
        c.feature = feature;
        c.name = name;
        c.unit = unit;
        c.target = target;
        c.lsl = lsl;
        c.usl = usl;
        c.chart = chart;
        c.subgroupSize = subgroupSize;
        c.baseline = baseline;
        c.knownMean = knownMean;
        c.knownSigma = knownSigma;
        c.rules = rules;
        c.ewmaLambda = ewmaLambda;
        c.ewmaSigmas = ewmaSigmas;
        c.cusumK = cusumK;
        c.cusumH = cusumH;
        c.cusumHeadStart = cusumHeadStart;
        c.qChart = qChart;
        c.drift = drift;
        c.driftWindow = driftWindow;
        c.driftAlpha = driftAlpha;
        c.phDelta = phDelta;
        c.phLambda = phLambda;
        c.baselineExcludeOoc = baselineExcludeOoc;
        c.critical = critical;
        return c;
    }

    /**
     * Whether switching from this definition to {@code other} changes how points are charted
     * (chart type, subgroups, baseline, known limits, EWMA, CUSUM, Q chart); such a change restarts
     * the chart, while spec limits, names, rules or drift settings apply from the next point on.
     */
    public boolean sameChartingAs(FeatureConfig other) {
        return chart == other.chart
                && subgroupSize == other.subgroupSize
                && baseline == other.baseline
                && same(knownMean, other.knownMean)
                && same(knownSigma, other.knownSigma)
                && same(ewmaLambda, other.ewmaLambda)
                && same(ewmaSigmas, other.ewmaSigmas)
                && same(cusumK, other.cusumK)
                && same(cusumH, other.cusumH)
                && same(cusumHeadStart, other.cusumHeadStart)
                && qChart == other.qChart
                && baselineExcludeOoc == other.baselineExcludeOoc;
    }

    private static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FeatureConfig c)) {
            return false;
        }
        return sameChartingAs(c)
                && java.util.Objects.equals(feature, c.feature)
                && java.util.Objects.equals(name, c.name)
                && java.util.Objects.equals(unit, c.unit)
                && same(target, c.target)
                && same(lsl, c.lsl)
                && same(usl, c.usl)
                && rules == c.rules
                && drift == c.drift
                && driftWindow == c.driftWindow
                && same(driftAlpha, c.driftAlpha)
                && same(phDelta, c.phDelta)
                && same(phLambda, c.phLambda)
                && critical == c.critical;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(feature, chart, subgroupSize, baseline, target, lsl, usl, rules);
    }

    @Override
    public String toString() {
        return "FeatureConfig{" + feature + ", chart=" + chart.id() + ", n=" + subgroupSize
                + ", baseline=" + baseline + ", lsl=" + lsl + ", target=" + target + ", usl=" + usl
                + ", rules=" + Rule.ids(rules) + "}";
    }
}
