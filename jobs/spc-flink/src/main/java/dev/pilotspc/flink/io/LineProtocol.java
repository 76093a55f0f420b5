package dev.pilotspc.flink.io;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;

/**
 * Results as InfluxDB line protocol (CONTRACT.md §4), written straight into a StringBuilder: tags
 * and fields in key order (as influxdb-client's Point writes them), escaping per the line protocol
 * reference, absent values left out, timestamps in nanoseconds.
 */
public final class LineProtocol {

    private StringBuilder sb;
    private boolean firstField;
    // The results of one measurement share their Tags: escape them once.
    private Tags lastTags;
    private String batchTag;
    private String featureTag;
    private String lineTag;
    private String stationTag;

    /** A writer that can be reused for many results (one per thread). */
    public LineProtocol() {
    }

    /** Appends one line (with a trailing newline) for {@code result}. */
    public static void append(StringBuilder sb, SpcResult result) {
        new LineProtocol().write(sb, result);
    }

    /** Appends one line (with a trailing newline) for {@code result}. */
    public void write(StringBuilder out, SpcResult result) {
        sb = out;
        LineProtocol lp = this;
        if (result instanceof PointResult p) {
            lp.point(p);
        } else if (result instanceof CapabilityResult c) {
            lp.capability(c);
        } else if (result instanceof StatusResult s) {
            lp.status(s);
        } else if (result instanceof ViolationResult v) {
            lp.violation(v);
        } else if (result instanceof LimitsResult l) {
            lp.limits(l);
        } else if (result instanceof DriftResult d) {
            lp.drift(d);
        } else if (result instanceof ReadinessResult r) {
            lp.readiness(r);
        }
        sb.append(' ').append(result.tsNanos()).append('\n');
    }

    public static String toLine(SpcResult result) {
        StringBuilder sb = new StringBuilder(256);
        new LineProtocol().write(sb, result);
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    private void point(PointResult p) {
        head(p.measurement(), p.tags(), "chart", p.chart());
        field("cl", p.cl());
        field("cusum_h", p.cusumH());
        field("cusum_hi", p.cusumHi());
        field("cusum_lo", p.cusumLo());
        field("disp", p.disp());
        field("disp_cl", p.dispCl());
        field("disp_lcl", p.dispLcl());
        field("disp_ucl", p.dispUcl());
        field("ewma", p.ewma());
        field("ewma_lcl", p.ewmaLcl());
        field("ewma_ucl", p.ewmaUcl());
        field("lcl", p.lcl());
        field("lsl", p.lsl());
        field("n", p.n());
        field("ooc", p.ooc());
        field("part", p.part());
        field("phase", p.phase());
        field("q", p.q());
        field("rules", p.rules());
        field("sigma", p.sigma());
        field("target", p.target());
        field("ucl", p.ucl());
        field("usl", p.usl());
        field("x", p.x());
    }

    private void limits(LimitsResult l) {
        head(l.measurement(), l.tags(), "chart", l.chart());
        field("cl", l.cl());
        field("disp_cl", l.dispCl());
        field("disp_lcl", l.dispLcl());
        field("disp_ucl", l.dispUcl());
        field("excluded", (long) l.excluded());
        field("lcl", l.lcl());
        field("m", (long) l.m());
        field("sigma", l.sigma());
        field("source", l.source());
        field("ucl", l.ucl());
    }

    private void violation(ViolationResult v) {
        head(v.measurement(), v.tags(), "rule", v.rule());
        field("message", v.message());
        field("n", v.n());
        field("part", v.part());
        field("x", v.x());
    }

    private void capability(CapabilityResult c) {
        head(c.measurement(), c.tags(), null, null);
        field("cp", c.cp());
        field("cp_lcl", c.cpLcl());
        field("cpk", c.cpk());
        field("cpk_lcl", c.cpkLcl());
        field("cpl", c.cpl());
        field("cpm", c.cpm());
        field("cpu", c.cpu());
        field("mean", c.mean());
        field("n", c.n());
        field("pp", c.pp());
        field("ppk", c.ppk());
        field("ppk_lcl", c.ppkLcl());
        field("ppm_expected", c.ppmExpected());
        field("ppm_expected_within", c.ppmExpectedWithin());
        field("ppm_observed", c.ppmObserved());
        field("sigma_overall", c.sigmaOverall());
        field("sigma_within", c.sigmaWithin());
    }

    private void drift(DriftResult d) {
        head(d.measurement(), d.tags(), "detector", d.detector());
        field("direction", d.direction());
        field("message", d.message());
        field("n", d.n());
        field("p_value", d.pValue());
        field("part", d.part());
        field("parts_to_limit", d.partsToLimit());
        field("shift", d.shift());
        field("slope", d.slope());
        field("x", d.x());
    }

    private void status(StatusResult s) {
        head(s.measurement(), s.tags(), null, null);
        field("last_rule", s.lastRule());
        field("ooc_count", s.oocCount());
        field("points", s.points());
        field("state", s.state());
    }

    private void readiness(ReadinessResult r) {
        head(r.measurement(), r.tags(), null, null);
        field("capable", r.capable());
        field("reasons", r.reasons());
        field("stable", r.stable());
        field("verdict", r.verdict());
    }

    /**
     * Measurement and tags in key order: batch, then the extra tag where it sorts (chart, detector,
     * rule), feature, line, station.
     */
    private void head(String measurement, Tags tags, String extraKey, String extraValue) {
        if (tags != lastTags) {
            lastTags = tags;
            batchTag = tagText("batch", tags.batch());
            featureTag = tagText("feature", tags.feature());
            lineTag = tagText("line", tags.line());
            stationTag = tagText("station", tags.station());
        }
        sb.append(measurement); // our own names: nothing to escape
        sb.append(batchTag);
        if (extraKey != null && extraKey.compareTo("feature") < 0) {
            sb.append(tagText(extraKey, extraValue));
        }
        sb.append(featureTag).append(lineTag);
        if (extraKey != null && extraKey.compareTo("feature") > 0 && extraKey.compareTo("station") < 0) {
            sb.append(tagText(extraKey, extraValue));
        }
        sb.append(stationTag).append(' ');
        firstField = true;
    }

    /** ",key=value" escaped, or "" for an absent value (line protocol has no empty tag values). */
    private String tagText(String key, String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        StringBuilder out = sb;
        sb = new StringBuilder(key.length() + value.length() + 8);
        sb.append(',').append(key).append('=');
        escape(value, true);
        String text = sb.toString();
        sb = out;
        return text;
    }

    /** Field keys are this class's own constants: nothing to escape. */
    private void key(String key) {
        if (!firstField) {
            sb.append(',');
        }
        firstField = false;
        sb.append(key).append('=');
    }

    private void field(String key, Double value) {
        if (value != null && Double.isFinite(value)) {
            field(key, value.doubleValue());
        }
    }

    private void field(String key, double value) {
        if (Double.isFinite(value)) {
            key(key);
            appendDouble(value);
        }
    }

    private void field(String key, long value) {
        key(key);
        sb.append(value).append('i');
    }

    private void field(String key, boolean value) {
        key(key);
        sb.append(value);
    }

    private void field(String key, String value) {
        if (value == null) {
            return;
        }
        key(key);
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    /**
     * A float field with 15 significant digits (all a double holds reliably, so a value parsed from
     * text comes back as written), trailing zeros dropped. Java 17's Double.toString costs ~150 ns
     * and a point has ~40 of these, so plain values take a fast path through a scaled long.
     */
    void appendDouble(double v) {
        double abs = Math.abs(v);
        if (v == Math.rint(v) && abs < 1e15) {
            sb.append((long) v);
            return;
        }
        if (abs < 1e-6 || abs >= 1e15) {
            sb.append(v);
            return;
        }
        int exponent = (int) Math.floor(Math.log10(abs));
        if (abs < (exponent >= 0 ? POWERS[exponent] : 1 / POWERS[-exponent])) {
            exponent--; // log10 rounded up to a power of ten
        }
        int decimals = 14 - exponent; // digits after the point for 15 significant digits
        long scaled = Math.round(abs * POWERS[decimals]);
        if (scaled >= 1_000_000_000_000_000L) { // log10 rounded down across a power of ten
            decimals--;
            scaled = Math.round(abs * POWERS[decimals]);
        }
        if (v < 0) {
            sb.append('-');
        }
        while (decimals > 0 && scaled % 10 == 0) {
            scaled /= 10;
            decimals--;
        }
        // digits right to left into a scratch buffer: no String per number, no insert shifting
        char[] buf = digits;
        int pos = buf.length;
        int written = 0;
        do {
            if (written == decimals && decimals > 0) {
                buf[--pos] = '.';
            }
            buf[--pos] = (char) ('0' + scaled % 10);
            scaled /= 10;
            written++;
        } while (scaled > 0 || written <= decimals);
        sb.append(buf, pos, buf.length - pos);
    }

    /** Scratch space for one number's digits (at most 15 significant, 21 places, a point). */
    private final char[] digits = new char[48];

    private static final double[] POWERS = new double[22];

    static {
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = Math.pow(10, i);
        }
    }

    /** A float as the line protocol writes it (15 significant digits, integral values without a fraction). */
    public static String formatFloat(double v) {
        return formatDouble(v);
    }

    /** Test access to the number format. */
    static String formatDouble(double v) {
        LineProtocol lp = new LineProtocol();
        lp.sb = new StringBuilder();
        lp.appendDouble(v);
        return lp.sb.toString();
    }

    private void escape(String s, boolean escapeEquals) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ', ',' -> sb.append('\\').append(c);
                case '=' -> {
                    if (escapeEquals) {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
    }
}
