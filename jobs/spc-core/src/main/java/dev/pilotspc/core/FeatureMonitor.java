package dev.pilotspc.core;

import dev.pilotspc.core.capability.Capability;
import dev.pilotspc.core.chart.Compare;
import dev.pilotspc.core.chart.Cusum;
import dev.pilotspc.core.chart.Dispersion;
import dev.pilotspc.core.chart.Ewma;
import dev.pilotspc.core.chart.PointHistory;
import dev.pilotspc.core.chart.QStatistic;
import dev.pilotspc.core.chart.RunRules;
import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.QChartMode;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.drift.PageHinkley;
import dev.pilotspc.core.drift.PageHinkleyAlarm;
import dev.pilotspc.core.drift.TrendAlarm;
import dev.pilotspc.core.drift.TrendDetector;
import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.core.readiness.ReasonsCache;
import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The SPC state of one (feature, batch): Shewhart chart pair with its limits lifecycle, run rules,
 * EWMA, CUSUM, Q chart, capability and drift, fed one measurement at a time. Plain public fields so
 * Flink keeps it as POJO keyed state; bounded memory (windows have fixed sizes, the baseline at most
 * {@link FeatureConfig#MAX_BASELINE} points).
 */
public class FeatureMonitor {

    private static final String LIMITS_BASELINE = "baseline";
    private static final String LIMITS_HISTORY = "history";

    /** "WE1: 1 point beyond 3 sigma" and so on, by rule ordinal: the start of each violation message. */
    private static final String[] MESSAGE_PREFIX = Arrays.stream(Rule.values())
            .map(r -> r.name() + ": " + r.description()).toArray(String[]::new);

    private static final int LIMIT_MEMO_BITS = 4;
    private static final int LIMIT_MEMO_SLOTS = 1 << LIMIT_MEMO_BITS;

    public FeatureConfig config;
    public String batch;

    public long points;
    public long measurements;
    /**
     * Distinct parts measured (a measurement without a part serial counts as one part), for the
     * readiness minimum (CONTRACT §4 "at least 30 parts"): a part measured again is not another
     * part. Counted exactly until the minimum is reached, then by measurement (the verdict needs no
     * more). −1 in state saved before this field existed: its measurements are taken as its parts
     * (see {@link #partsMeasured}).
     */
    public long parts = -1;
    /** Part serials seen while {@link #parts} is below the minimum (open addressing), else null. */
    public String[] partSerials;
    /** Serials held in {@link #partSerials}. */
    public int partSerialCount;

    // Limits in force: centre line and within-subgroup sigma.
    public boolean limitsReady;
    public double cl;
    public double sigma;

    // Phase I: the points of the baseline in progress.
    public int baseCount;
    public double[] baseX;
    public double[] baseDisp;
    public int[] baseSize;
    /** Rules a baseline point broke when it arrived (Q1): the phase I review does not count it again. */
    public int[] baseHits;
    public long[] baseTs;
    public String[] baseParts;
    public String[] baseLines;
    public String[] baseStations;

    // Subgroup being filled (subgroup charts only).
    public double[] subValues;
    public int subCount;
    public String subId;
    public long subTs;
    public String subPart;
    public String subGauge;
    public String subOperator;
    public String subLine;
    public String subStation;

    public double previousX = Double.NaN;

    // Within sigma over the whole batch, for capability: mean of MR/d2, R/d2 or S/c4.
    public double sigmaSum;
    public long sigmaTerms;

    public PointHistory history;
    public Ewma ewma;
    public Cusum cusum;
    public QStatistic q;
    public Capability capability;
    public TrendDetector trend;
    public PageHinkley pageHinkley;

    public long oocCount;
    public String lastRule = "";
    public long lastDriftAt;

    // For the readiness verdict: the monitor phase's out-of-control points and drift alarms.
    public ReadinessPolicy readiness;
    public long monitorOocPoints;
    public long lastMonitorOocPoint = -1;
    public String lastMonitorOocText;
    public long lastDriftPoint = -1;
    public String lastDriftText;

    /** Reuse of the readiness text; derived from the fields above, so transient (not state). */
    public transient ReasonsCache reasonsCache;
    /** Memo of formatted limits for violation messages (see fmtLimit); derived, so transient. */
    public transient long[] limitBits;
    public transient String[] limitTexts;
    /**
     * The last measurement's tags, reused while they stay the same: results keep long-lived strings
     * whose hash codes are computed once (sinks look tag sets up by them). Derived, so transient.
     */
    public transient Tags lastTags;

    public FeatureMonitor() {
    }

    public FeatureMonitor(FeatureConfig config) {
        this(config, new ReadinessPolicy());
    }

    public FeatureMonitor(FeatureConfig config, ReadinessPolicy readiness) {
        this.readiness = readiness;
        this.config = config.copy();
        parts = 0;
        partSerials = new String[PART_SLOTS];
        capability = new Capability();
        resetDrift();
        resetChart();
    }

    /**
     * Charts one measurement, appending its results to {@code out} in a fixed order: the point of
     * the subgroup it closes by starting a new one (explicit ids), drift alarms, then (when a point
     * completes) limits, phase I review violations, the point, its violations, capability, status
     * and readiness.
     */
    public void update(Measurement m, List<SpcResult> out) {
        double x = m.value();
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("feature '" + config.feature + "': value is not a finite number: " + x);
        }
        batch = m.batch();
        Tags tags = lastTags;
        if (tags == null || !tags.sameAs(m)) {
            tags = Tags.of(m);
            lastTags = tags;
        }
        if (config.chart != ChartType.IMR && subCount > 0 && m.subgroup() != null && !m.subgroup().equals(subId)) {
            // the previous subgroup ended with the measurement before this one: its point (and its
            // capability and readiness) come first, and this measurement's drift check sees the
            // limits that point may have established
            closeSubgroup(tags.feature(), tags.batch(), out);
        }
        measurements++;
        countPart(m.part());
        capability.add(x, config.lsl, config.usl);
        checkDrift(m, tags, x, out);

        if (config.chart == ChartType.IMR) {
            double movingRange = Double.isNaN(previousX) ? Double.NaN : Math.abs(x - previousX);
            previousX = x;
            chartPoint(m.tsNanos(), tags, m.part(), m.gauge(), m.operator(), x, movingRange, 1, null, out);
            return;
        }
        subValues[subCount++] = x;
        subId = m.subgroup();
        subTs = m.tsNanos();
        subPart = m.part();
        subGauge = m.gauge();
        subOperator = m.operator();
        subLine = m.line();
        subStation = m.station();
        if (subCount == config.subgroupSize) {
            closeSubgroup(tags.feature(), tags.batch(), out);
        }
    }

    /**
     * Charts the subgroup in progress now, short or not (the end of a replayed file ends it: no
     * next measurement will close it); nothing for individuals or when no subgroup is open.
     */
    public void closeOpenSubgroup(List<SpcResult> out) {
        if (config.chart != ChartType.IMR && subCount > 0) {
            closeSubgroup(config.feature, batch, out);
        }
    }

    /**
     * Applies a new definition of the feature: a change in how points are charted restarts the
     * chart; spec limits, rules, names and drift settings apply from the next point on.
     */
    public void applyDefinition(FeatureConfig newConfig) {
        FeatureConfig previous = config;
        config = newConfig.copy();
        if (!previous.sameChartingAs(newConfig)) {
            resetChart();
        }
        if (previous.drift != newConfig.drift || previous.driftWindow != newConfig.driftWindow
                || previous.driftAlpha != newConfig.driftAlpha || previous.phDelta != newConfig.phDelta
                || previous.phLambda != newConfig.phLambda) {
            resetDrift();
        }
    }

    private void resetChart() {
        limitsReady = false;
        baseCount = 0;
        allocateBaseline(config.baseline);
        subValues = new double[Math.max(1, config.subgroupSize)];
        subCount = 0;
        subId = null;
        previousX = Double.NaN;
        sigmaSum = 0;
        sigmaTerms = 0;
        history = new PointHistory();
        ewma = config.ewmaEnabled() ? new Ewma(config.ewmaLambda, config.ewmaSigmas) : null;
        cusum = config.cusumEnabled() ? new Cusum(config.cusumK, config.cusumH, config.cusumHeadStart) : null;
        q = new QStatistic();
    }

    private void resetDrift() {
        trend = config.drift ? new TrendDetector(config.driftWindow, config.driftAlpha) : null;
        pageHinkley = config.drift ? new PageHinkley(config.phDelta, config.phLambda) : null;
        lastDriftAt = -(long) config.driftWindow - 1;
    }

    private static final int PART_SLOTS = 64;

    /** Parts measured so far; in state from before parts were counted (until its next measurement), its measurements. */
    long partsMeasured() {
        return parts < 0 ? measurements : parts;
    }

    /** Counts a part not measured before (or any measurement once the readiness minimum is met). */
    private void countPart(String part) {
        if (parts < 0) {
            parts = measurements - 1; // older state: one part per measurement so far
        }
        if (partSerials == null && parts < readiness.minParts) {
            // older state, or a minimum raised after the table was dropped: serials seen before are unknown
            partSerials = new String[PART_SLOTS];
            partSerialCount = 0;
        }
        if (partSerials == null || part == null) {
            parts++;
        } else {
            if (!addSerial(partSerials, part)) {
                return; // measured before
            }
            partSerialCount++;
            parts++;
            if (2 * partSerialCount >= partSerials.length) {
                growPartSerials();
            }
        }
        if (partSerials != null && parts >= readiness.minParts) {
            partSerials = null;
            partSerialCount = 0;
        }
    }

    private void growPartSerials() {
        String[] old = partSerials;
        partSerials = new String[old.length * 2];
        for (String part : old) {
            if (part != null) {
                addSerial(partSerials, part);
            }
        }
    }

    /** Adds a part serial to an open-addressing table (length a power of two); false when it is there already. */
    private static boolean addSerial(String[] table, String part) {
        int slot = Integer.rotateLeft(part.hashCode() * 0x9E3779B9, 16) & table.length - 1;
        while (table[slot] != null) {
            if (table[slot].equals(part)) {
                return false;
            }
            slot = slot + 1 & table.length - 1;
        }
        table[slot] = part;
        return true;
    }

    /** Charts the subgroup in progress, tagged with its own line and station. */
    private void closeSubgroup(String feature, String batch, List<SpcResult> out) {
        int size = subCount;
        double mean = Dispersion.mean(subValues, size);
        double disp = size >= 2 ? Dispersion.ofSubgroup(config.chart, subValues, size) : Double.NaN;
        subCount = 0;
        Tags tags = new Tags(feature, batch, subLine, subStation);
        chartPoint(subTs, tags, subPart, subGauge, subOperator, mean, disp, size, subValues, out);
    }

    /** Charts a point: an individual ({@code subgroup} null) or a subgroup's mean of {@code subgroup[0..size)}. */
    private void chartPoint(long ts, Tags tags, String part, String gauge, String operator, double x, double disp,
            int size, double[] subgroup, List<SpcResult> out) {
        points++;
        if (!Double.isNaN(disp)) {
            sigmaSum += disp / Dispersion.centreFactor(config.chart, size);
            sigmaTerms++;
        }
        history.push(x, size);
        if (!limitsReady && config.hasKnownLimits()) {
            establish(config.knownMean, config.knownSigma, 0, 0, LIMITS_HISTORY, ts, tags, out);
        }
        int hits;
        double qValue = Double.NaN;
        String phase;
        if (config.qChart == QChartMode.ALWAYS || (config.qChart == QChartMode.BASELINE && !limitsReady)) {
            qValue = config.chart == ChartType.IMR ? q.updateIndividual(x) : q.updateSubgroup(subgroup, size);
        }
        int qHits = Compare.above(Math.abs(qValue), 3) ? Rule.Q1.bit() : 0;
        if (limitsReady) {
            phase = PointResult.MONITOR;
            hits = monitorHits(x, disp, size) | qHits;
        } else {
            phase = PointResult.BASELINE;
            hits = qHits | addToBaseline(ts, tags, part, x, disp, size, qHits, out);
        }
        String ruleIds = Rule.ids(hits);
        emitPoint(ts, tags, part, gauge, operator, x, disp, size, phase, hits, ruleIds, qValue, out);
        if (hits != 0) {
            emitViolations(ts, tags, part, x, points, size, hits, out);
        }
        // CONTRACT §4: capability once at least 2 points exist (for subgroup charts: 2 subgroups)
        CapabilityResult capabilityResult = points < 2 ? null
                : capability.result(ts, tags, withinSigma(), config.target, config.lsl, config.usl);
        if (capabilityResult != null) {
            out.add(capabilityResult);
        }
        out.add(status(ts, tags, hits, ruleIds));
        if (hits != 0 && PointResult.MONITOR.equals(phase)) {
            monitorOocPoints++;
            lastMonitorOocPoint = points;
            lastMonitorOocText = part == null ? ruleIds : ruleIds + " at part " + part;
        }
        out.add(readiness(ts, tags, capabilityResult));
    }

    private void noteDrift(String text) {
        // limits known from history are in force from the first measurement, also before a
        // subgroup chart's first point
        if (limitsReady || config.hasKnownLimits()) {
            // the alarming measurement is charted in the next point (this one on I-MR, the open
            // subgroup's), which --ready-window counts as an out-of-control point's own point
            lastDriftPoint = points + 1;
            lastDriftText = text;
        }
    }

    /** The scale-up verdict after this point, with every reason in words. */
    private ReadinessResult readiness(long ts, Tags tags, CapabilityResult capability) {
        ReadinessPolicy policy = readiness;
        long parts = partsMeasured();
        boolean enough = parts >= policy.minParts && limitsReady;
        boolean oocRecent = lastMonitorOocPoint >= 0 && (policy.window == 0 || points - lastMonitorOocPoint < policy.window);
        boolean driftRecent = lastDriftPoint >= 0 && (policy.window == 0 || points - lastDriftPoint < policy.window);
        boolean stable = limitsReady && !oocRecent && !driftRecent;
        boolean known = capability != null && (!Double.isNaN(capability.ppk()) || !Double.isNaN(capability.cpk()));
        boolean overall = known && !Double.isNaN(capability.ppk());
        double estimate = !known ? Double.NaN : overall ? capability.ppk() : capability.cpk();
        double bound = !known ? Double.NaN : overall ? capability.ppkLcl() : capability.cpkLcl();
        boolean hasBound = !Double.isNaN(bound);
        double judged = policy.pointEstimate || !hasBound ? estimate : bound;
        boolean capable = known && judged >= policy.minIndex;
        String verdict = !enough ? ReadinessResult.INSUFFICIENT_DATA
                : stable && capable ? ReadinessResult.READY : ReadinessResult.NOT_READY;
        // Without enough data the text quotes counts that move on every point, and near the threshold
        // it shows more decimals (see comparedDecimals): nothing to reuse.
        boolean reusable = enough
                && (!known || hundredths(judged) != hundredths(policy.minIndex) || judged == policy.minIndex);
        String reasons;
        if (!reusable) {
            reasons = reasons(policy, oocRecent, driftRecent, known, overall, estimate, bound, capable, verdict);
        } else {
            // With enough data the text is a function of these inputs alone; the estimate and bound
            // enter as fmt2 shows them, so a Ppk moving in its third decimal keeps the text.
            int flags = (oocRecent ? 1 : 0) | (driftRecent ? 2 : 0) | (known ? 4 : 0) | (overall ? 8 : 0)
                    | (hasBound ? 16 : 0) | (capable ? 32 : 0) | (config.hasLsl() || config.hasUsl() ? 64 : 0)
                    | (sigma == 0 ? 128 : 0);
            long oocPoints = oocRecent ? monitorOocPoints : -1;
            String oocText = oocRecent ? lastMonitorOocText : null;
            String driftText = driftRecent ? lastDriftText : null;
            long estimateKey = known ? hundredths(estimate) : 0;
            long boundKey = hasBound ? hundredths(bound) : 0;
            long minIndexBits = Double.doubleToRawLongBits(policy.minIndex);
            if (reasonsCache == null) {
                reasonsCache = new ReasonsCache();
            }
            reasons = reasonsCache.get(flags, oocPoints, oocText, driftText, estimateKey, boundKey, minIndexBits);
            if (reasons == null) {
                reasons = reasonsCache.put(flags, oocPoints, oocText, driftText, estimateKey, boundKey, minIndexBits,
                        reasons(policy, oocRecent, driftRecent, known, overall, estimate, bound, capable, verdict));
            }
        }
        return new ReadinessResult(ts, tags, verdict, stable, capable, reasons, config.critical, null);
    }

    /** The readiness reasons in words, joined with "; " (built afresh; see readiness for reuse). */
    private String reasons(ReadinessPolicy policy, boolean oocRecent, boolean driftRecent,
            boolean known, boolean overall, double estimate, double bound, boolean capable, String verdict) {
        // one builder, no list and join: this text is rebuilt on many points
        StringBuilder text = new StringBuilder(160);
        if (ReadinessResult.READY.equals(verdict)) {
            text.append("stable");
        }
        int firstReason = text.length();
        long parts = partsMeasured();
        if (parts < policy.minParts) {
            separate(text).append(parts).append(" of ").append(policy.minParts).append(" parts measured");
        }
        if (!limitsReady && baseCount < config.baseline) {
            separate(text).append("control limits not established yet (baseline ").append(baseCount).append(" of ")
                    .append(config.baseline).append(')');
        } else if (!limitsReady) {
            separate(text).append("control limits not established yet (baseline of ").append(baseCount)
                    .append(" points, waiting for a subgroup of two or more measurements to estimate sigma)");
        }
        if (limitsReady && sigma == 0) {
            separate(text).append("sigma is 0: the baseline's points showed no variation (a gauge too coarse for the process?)");
        }
        if (oocRecent) {
            separate(text).append(monitorOocPoints).append(" out-of-control point").append(monitorOocPoints == 1 ? "" : "s")
                    .append(" in the monitor phase, last ").append(lastMonitorOocText);
        }
        if (driftRecent) {
            separate(text).append(lastDriftText);
        }
        boolean noReasonYet = text.length() == firstReason;
        if (!known) {
            separate(text).append(!config.hasLsl() && !config.hasUsl()
                    ? "no specification limits: capability cannot be judged" : "capability not known yet");
        } else if (!capable || noReasonYet) {
            separate(text).append(overall ? "Ppk " : "Cpk ");
            boolean judgeBound = !policy.pointEstimate && !Double.isNaN(bound);
            double judged = judgeBound ? bound : estimate;
            int decimals = comparedDecimals(judged, policy.minIndex);
            // still the same text at 6 decimals: a judged index below shows rounded down
            boolean down = !capable && Math.round(judged * 1e6) == Math.round(policy.minIndex * 1e6);
            appendFixed(text, estimate, judgeBound ? 2 : decimals, down && !judgeBound);
            if (!Double.isNaN(bound)) {
                appendFixed(text.append(" (95 % lower bound "), bound, judgeBound ? decimals : 2, down && judgeBound).append(')');
            }
            appendFixed(text.append(capable ? " at least " : " below "), policy.minIndex, decimals, false);
        }
        return text.toString();
    }

    /** The "; " between reasons. */
    private static StringBuilder separate(StringBuilder text) {
        return text.length() == 0 ? text : text.append("; ");
    }

    /** Two decimals, as indices are quoted, without java.util.Formatter (this runs on every point). */
    static String fmt2(double v) {
        return appendFmt2(new StringBuilder(8), v).toString();
    }

    private static StringBuilder appendFmt2(StringBuilder text, double v) {
        long signed = hundredths(v);
        long hundredths = Math.abs(signed);
        long fraction = hundredths % 100;
        return text.append(signed < 0 ? "-" : "").append(hundredths / 100).append(fraction < 10 ? ".0" : ".").append(fraction);
    }

    /**
     * Decimals (2 to 6) that show a judged index and the threshold it was compared with as
     * different numbers, so the text never says "1.33 below 1.33" of a bound of 1.3298.
     */
    static int comparedDecimals(double judged, double threshold) {
        int decimals = 2;
        double scale = 100;
        while (decimals < 6 && judged != threshold && Math.round(judged * scale) == Math.round(threshold * scale)) {
            decimals++;
            scale *= 10;
        }
        return decimals;
    }

    /** {@code v} with a fixed number of decimals (2 to 6), rounded half up as fmt2, or {@code down}. */
    static StringBuilder appendFixed(StringBuilder text, double v, int decimals, boolean down) {
        if (decimals == 2 && !down) {
            return appendFmt2(text, v);
        }
        long scale = (long) Math.pow(10, decimals);
        long units;
        boolean negative;
        if (down) {
            long signed = (long) Math.floor(v * scale);
            units = Math.abs(signed);
            negative = signed < 0;
        } else {
            units = Math.round(Math.abs(v) * scale);
            negative = v < 0 && units != 0;
        }
        String fraction = Long.toString(units % scale);
        text.append(negative ? "-" : "").append(units / scale).append('.');
        for (int i = fraction.length(); i < decimals; i++) {
            text.append('0');
        }
        return text.append(fraction);
    }

    /**
     * |v| rounded to hundredths, negated when fmt2 shows a minus sign (v < 0 and not rounding to 0):
     * fmt2's text is a function of this number alone.
     */
    static long hundredths(double v) {
        long hundredths = Math.round(Math.abs(v) * 100);
        return v < 0 ? -hundredths : hundredths;
    }

    private int monitorHits(double x, double disp, int size) {
        double sigmaX = sigma / Math.sqrt(size);
        int hits = RunRules.evaluate(history, cl, sigma, config.rules);
        if (!Double.isNaN(disp) && Dispersion.beyond(config.chart, size, sigma, disp)) {
            hits |= Rule.D1.bit();
        }
        if (ewma != null && ewma.update(x, cl, sigma, size)) {
            hits |= Rule.EWMA.bit();
        }
        if (cusum != null && cusum.update(x, cl, sigmaX)) {
            hits |= Rule.CUSUM.bit();
        }
        return hits;
    }

    /** Adds a point to the baseline; when it completes, establishes limits and returns this point's review hits. */
    private int addToBaseline(long ts, Tags tags, String part, double x, double disp, int size, int hitsOnArrival,
            List<SpcResult> out) {
        if (baseHits == null || baseHits.length != baseX.length) {
            baseHits = new int[baseX.length]; // state from before the field existed
        }
        if (baseCount == baseX.length) {
            growBaseline();
        }
        int i = baseCount++;
        baseHits[i] = hitsOnArrival;
        baseX[i] = x;
        baseDisp[i] = disp;
        baseSize[i] = size;
        baseTs[i] = ts;
        baseParts[i] = part;
        baseLines[i] = tags.line();
        baseStations[i] = tags.station();
        if (baseCount < config.baseline) {
            return 0;
        }
        // still waiting for a dispersion: the last try found none, and a single measurement brings none
        boolean waiting = baseCount > config.baseline && config.chart != ChartType.IMR && Double.isNaN(disp);
        boolean[] excluded = waiting ? null : new boolean[baseCount];
        double[] trial = waiting ? null : baselineLimits(excluded);
        if (trial == null) {
            // No dispersion could be estimated yet (only single-value subgroups): phase I goes on
            // with every point so far, all of them reviewed when the limits come; beyond the
            // largest baseline allowed it slides on instead, its oldest points left unreviewed.
            if (baseCount >= FeatureConfig.MAX_BASELINE) {
                dropOldestBaselinePoint();
            }
            return 0;
        }
        int excludedCount = 0;
        if (config.baselineExcludeOoc) {
            for (int j = 0; j < baseCount; j++) {
                double sigmaX = trial[1] / Math.sqrt(baseSize[j]);
                boolean beyond = RunRules.beyondLimits(baseX[j], trial[0], sigmaX)
                        || (config.chart != ChartType.IMR && !Double.isNaN(baseDisp[j])
                                && Dispersion.beyond(config.chart, baseSize[j], trial[1], baseDisp[j]));
                excluded[j] = beyond;
                if (beyond) {
                    excludedCount++;
                }
            }
            if (excludedCount > 0) {
                double[] revised = baselineLimits(excluded);
                if (revised != null) {
                    trial = revised;
                } else {
                    excludedCount = 0;
                }
            }
        }
        establish(trial[0], trial[1], baseCount - excludedCount, excludedCount, LIMITS_BASELINE, ts, tags, out);
        return reviewBaseline(out);
    }

    private void allocateBaseline(int capacity) {
        baseX = new double[capacity];
        baseDisp = new double[capacity];
        baseSize = new int[capacity];
        baseHits = new int[capacity];
        baseTs = new long[capacity];
        baseParts = new String[capacity];
        baseLines = new String[capacity];
        baseStations = new String[capacity];
    }

    private void growBaseline() {
        int capacity = Math.min(FeatureConfig.MAX_BASELINE, Math.max(baseX.length * 2, 4));
        baseX = Arrays.copyOf(baseX, capacity);
        baseDisp = Arrays.copyOf(baseDisp, capacity);
        baseSize = Arrays.copyOf(baseSize, capacity);
        baseHits = Arrays.copyOf(baseHits, capacity);
        baseTs = Arrays.copyOf(baseTs, capacity);
        baseParts = Arrays.copyOf(baseParts, capacity);
        baseLines = Arrays.copyOf(baseLines, capacity);
        baseStations = Arrays.copyOf(baseStations, capacity);
    }

    private void dropOldestBaselinePoint() {
        baseCount--;
        System.arraycopy(baseX, 1, baseX, 0, baseCount);
        System.arraycopy(baseDisp, 1, baseDisp, 0, baseCount);
        System.arraycopy(baseSize, 1, baseSize, 0, baseCount);
        System.arraycopy(baseHits, 1, baseHits, 0, baseCount);
        System.arraycopy(baseTs, 1, baseTs, 0, baseCount);
        System.arraycopy(baseParts, 1, baseParts, 0, baseCount);
        System.arraycopy(baseLines, 1, baseLines, 0, baseCount);
        System.arraycopy(baseStations, 1, baseStations, 0, baseCount);
    }

    /**
     * Centre line and sigma from the baseline points not excluded: for I-MR the mean and MR̄/d2 over
     * consecutive retained pairs; for subgroups the grand mean and the mean of R/d2 or S/c4
     * (Montgomery, Introduction to SQC, 7th ed., §6.2 and §6.3). Null when sigma can't be estimated.
     */
    private double[] baselineLimits(boolean[] excluded) {
        BigDecimal weighted = BigDecimal.ZERO; // Σ n_j·x̄_j, exact: the centre line is correctly rounded
        long count = 0;
        double sigmaTotal = 0;
        int sigmaCount = 0;
        for (int j = 0; j < baseCount; j++) {
            if (excluded[j]) {
                continue;
            }
            weighted = weighted.add(new BigDecimal(baseX[j]).multiply(BigDecimal.valueOf(baseSize[j])));
            count += baseSize[j];
            if (config.chart == ChartType.IMR) {
                if (j > 0 && !excluded[j - 1]) {
                    sigmaTotal += Math.abs(baseX[j] - baseX[j - 1]);
                    sigmaCount++;
                }
            } else if (!Double.isNaN(baseDisp[j])) {
                sigmaTotal += baseDisp[j] / Dispersion.centreFactor(config.chart, baseSize[j]);
                sigmaCount++;
            }
        }
        if (sigmaCount == 0) {
            return null;
        }
        double estimate = sigmaTotal / sigmaCount;
        if (config.chart == ChartType.IMR) {
            estimate /= Dispersion.centreFactor(ChartType.IMR, 1);
        }
        return new double[] {weighted.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue(), estimate};
    }

    private void establish(double centre, double sigmaEstimate, int m, int excluded, String source, long ts, Tags tags,
            List<SpcResult> out) {
        limitsReady = true;
        cl = centre;
        sigma = sigmaEstimate;
        int n = config.subgroupSize;
        double sigmaX = sigma / Math.sqrt(n);
        if (ewma != null) {
            ewma.reset(cl);
        }
        if (cusum != null) {
            cusum.reset(sigmaX);
        }
        out.add(new LimitsResult(ts, tags, config.chart.id(), cl, cl + 3 * sigmaX, cl - 3 * sigmaX,
                Dispersion.centre(config.chart, n, sigma), Dispersion.upper(config.chart, n, sigma),
                Dispersion.lower(config.chart, n, sigma), sigma, m, excluded, source));
    }

    /**
     * Phase I review: replays the baseline through the run rules with the new limits, reporting each
     * earlier point's violations at its own timestamp; returns the hits of the last (current) point.
     */
    private int reviewBaseline(List<SpcResult> out) {
        PointHistory replay = new PointHistory();
        int inWindow = Math.min(baseCount, history.size);
        for (int k = history.size - 1; k >= inWindow; k--) {
            // points charted before the baseline's first (it slid on while no dispersion could be estimated)
            replay.pushWithRootSize(history.get(k), history.rootSize(k));
        }
        long firstN = points - baseCount + 1;
        int lastHits = 0;
        for (int j = 0; j < baseCount; j++) {
            int size = baseSize[j];
            replay.push(baseX[j], size);
            int hits = RunRules.evaluate(replay, cl, sigma, config.rules);
            if (!Double.isNaN(baseDisp[j]) && Dispersion.beyond(config.chart, size, sigma, baseDisp[j])) {
                hits |= Rule.D1.bit();
            }
            if (j == baseCount - 1) {
                lastHits = hits;
            } else if (hits != 0) {
                if (baseHits[j] == 0) {
                    oocCount++; // a point flagged on arrival is already counted
                }
                lastRule = Rule.ids(hits | baseHits[j]); // every rule of the point: the review's and those on arrival (Q1)
                Tags tags = new Tags(config.feature, batch, baseLines[j], baseStations[j]);
                emitViolations(baseTs[j], tags, baseParts[j], baseX[j], firstN + j, size, hits, out);
            }
        }
        baseCount = 0;
        if (baseX.length > config.baseline) {
            allocateBaseline(config.baseline); // grown while waiting for a dispersion: not kept at that size
        }
        return lastHits;
    }

    private void emitPoint(long ts, Tags tags, String part, String gauge, String operator, double x, double disp,
            int size, String phase, int hits, String ruleIds, double qValue, List<SpcResult> out) {
        // NaN marks a value absent from this point (PointResult)
        double clOut = Double.NaN;
        double ucl = Double.NaN;
        double lcl = Double.NaN;
        double dispCl = Double.NaN;
        double dispUcl = Double.NaN;
        double dispLcl = Double.NaN;
        double sigmaOut = Double.NaN;
        double ewmaValue = Double.NaN;
        double ewmaUcl = Double.NaN;
        double ewmaLcl = Double.NaN;
        double cusumHi = Double.NaN;
        double cusumLo = Double.NaN;
        double cusumH = Double.NaN;
        if (limitsReady) {
            double sigmaX = sigma / Math.sqrt(size);
            clOut = cl;
            ucl = cl + 3 * sigmaX;
            lcl = cl - 3 * sigmaX;
            if (!Double.isNaN(disp)) {
                dispCl = Dispersion.centre(config.chart, size, sigma);
                dispUcl = Dispersion.upper(config.chart, size, sigma);
                dispLcl = Dispersion.lower(config.chart, size, sigma);
            }
            sigmaOut = sigma;
            if (ewma != null && ewma.i > 0) {
                ewmaValue = ewma.z;
                ewmaUcl = ewma.ucl;
                ewmaLcl = ewma.lcl;
            }
            if (cusum != null && phase.equals(PointResult.MONITOR)) {
                cusumHi = cusum.hi;
                cusumLo = cusum.lo;
                cusumH = cusum.h * sigmaX;
            }
        }
        out.add(new PointResult(ts, tags, config.chart.id(), x, points, phase, clOut, ucl, lcl,
                disp, dispCl, dispUcl, dispLcl, sigmaOut, hits != 0, ruleIds,
                part, gauge, operator, config.target, config.lsl, config.usl, ewmaValue, ewmaUcl, ewmaLcl,
                cusumHi, cusumLo, cusumH, qValue));
    }

    private void emitViolations(long ts, Tags tags, String part, double x, long n, int size, int hits,
            List<SpcResult> out) {
        double sigmaX = sigma / Math.sqrt(size);
        double ucl = limitsReady ? cl + 3 * sigmaX : Double.NaN;
        double lcl = limitsReady ? cl - 3 * sigmaX : Double.NaN;
        for (Rule rule : Rule.values()) {
            if (rule.in(hits)) {
                out.add(new ViolationResult(ts, tags, rule.name(), x, n, part, message(rule, x, size),
                        limitsReady ? cl : Double.NaN, ucl, lcl));
            }
        }
    }

    private String message(Rule rule, double x, int size) {
        String unit = unitSuffix();
        String base = MESSAGE_PREFIX[rule.ordinal()];
        switch (rule) {
            case D1:
                return base + " (" + fmtLimit(Dispersion.lower(config.chart, size, sigma)) + " .. "
                        + fmtLimit(Dispersion.upper(config.chart, size, sigma)) + unit + ")";
            case EWMA:
                return base + " (EWMA " + fmt(ewma.z) + unit + ", limits " + fmtLimit(ewma.lcl) + " .. "
                        + fmtLimit(ewma.ucl) + ")";
            case CUSUM:
                return base + " (C+ " + fmt(cusum.hi) + ", C- " + fmt(cusum.lo) + ", H "
                        + fmtLimit(cusum.h * sigma / Math.sqrt(size)) + unit + ")";
            case Q1:
                return base + " at x = " + fmt(x) + unit;
            default:
                double sigmaX = sigma / Math.sqrt(size);
                return base + " at x = " + fmt(x) + unit + " (CL " + fmtLimit(cl) + ", UCL " + fmtLimit(cl + 3 * sigmaX)
                        + ", LCL " + fmtLimit(cl - 3 * sigmaX) + ")";
        }
    }

    /**
     * fmt of a limit quoted in a violation message. Limits stay the same from one violation to the
     * next (until revised), and formatting a double is most of a message's cost, so the texts are
     * memoised by exact value in a small direct-mapped table.
     */
    String fmtLimit(double v) {
        if (limitTexts == null) {
            limitBits = new long[LIMIT_MEMO_SLOTS];
            limitTexts = new String[LIMIT_MEMO_SLOTS];
        }
        long bits = Double.doubleToRawLongBits(v);
        int slot = (Long.hashCode(bits) * 0x9E3779B9) >>> (Integer.SIZE - LIMIT_MEMO_BITS);
        String text = limitTexts[slot];
        if (text == null || limitBits[slot] != bits) {
            text = fmt(v);
            limitBits[slot] = bits;
            limitTexts[slot] = text;
        }
        return text;
    }

    private void checkDrift(Measurement m, Tags tags, double x, List<SpcResult> out) {
        if (trend == null) {
            return;
        }
        TrendAlarm alarm = trend.update(x);
        if (alarm != null) {
            double partsToLimit = alarm.partsToLimit(config.lsl, config.usl);
            String unit = unitSuffix();
            String text = String.format(Locale.ROOT, "trend %s %s%s per part over the last %d parts (p = %.2g)%s",
                    alarm.direction(), signed(alarm.slope()), unit, config.driftWindow, alarm.pValue(),
                    Double.isNaN(partsToLimit) ? "" : partsToLimit == 0 ? ", fitted line already beyond the spec limit"
                            : partsToLimit < 1.5 ? ", spec limit reached within 1 part"
                            : ", spec limit reached in ~" + Math.round(partsToLimit) + " parts");
            out.add(new DriftResult(m.tsNanos(), tags, DriftResult.TREND, alarm.slope(), alarm.pValue(), Double.NaN,
                    partsToLimit, alarm.direction(), x, measurements, m.part(), text));
            lastDriftAt = measurements;
            noteDrift(text);
        }
        // from the first measurement when limits are known from history, else once the baseline set them
        boolean knownLimits = !limitsReady && config.hasKnownLimits();
        double sigmaInUse = limitsReady ? sigma : knownLimits ? config.knownSigma : Double.NaN;
        if (sigmaInUse >= 0) {
            PageHinkleyAlarm shift = pageHinkley.update(x, sigmaInUse);
            if (shift != null) {
                String unit = unitSuffix();
                String text = "mean shifted " + shift.direction() + " by about " + signed(shift.shift()) + unit
                        + " (Page-Hinkley)";
                out.add(new DriftResult(m.tsNanos(), tags, DriftResult.PAGE_HINKLEY, Double.NaN, Double.NaN,
                        shift.shift(), Double.NaN, shift.direction(), x, measurements, m.part(), text));
                lastDriftAt = measurements;
                noteDrift(text);
            }
        }
    }

    private StatusResult status(long ts, Tags tags, int hits, String ruleIds) {
        String state;
        if (hits != 0) {
            oocCount++;
            lastRule = ruleIds;
            state = StatusResult.OUT_OF_CONTROL;
        } else if (measurements - lastDriftAt < config.driftWindow) {
            state = StatusResult.DRIFTING;
        } else if (!limitsReady) {
            state = StatusResult.BASELINE;
        } else {
            state = StatusResult.IN_CONTROL;
        }
        return new StatusResult(ts, tags, state, oocCount, points, lastRule);
    }

    /** Within-subgroup sigma over the batch so far, NaN before any dispersion exists. */
    public double withinSigma() {
        return sigmaTerms == 0 ? Double.NaN : sigmaSum / sigmaTerms;
    }

    /**
     * Six significant digits without java.util.Formatter, which costs microseconds per call; beyond
     * 1e15 and below 1e-6 in scientific notation ({@code 1.7e308}, not 300 digits).
     */
    static String fmt(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        int exponent = (int) Math.floor(Math.log10(Math.abs(v)));
        if (exponent < -6 || exponent > 14) {
            BigDecimal rounded = new BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
            int power = rounded.precision() - rounded.scale() - 1;
            return rounded.movePointLeft(power).toPlainString() + "e" + power;
        }
        double scale = Math.pow(10, 5 - exponent);
        double rounded = Math.round(v * scale) / scale;
        if (exponent < -3 || exponent > 6) {
            return BigDecimal.valueOf(rounded).stripTrailingZeros().toPlainString();
        }
        String text = Double.toString(rounded);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + fmt(v);
    }

    /** " mm" after a number in a message, or nothing for a feature without a unit. */
    private String unitSuffix() {
        return config.unit == null ? "" : " " + config.unit;
    }
}
