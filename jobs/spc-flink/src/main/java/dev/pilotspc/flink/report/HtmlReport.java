package dev.pilotspc.flink.report;

import dev.pilotspc.core.capability.Normality;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.report.LineProtocolReader.Line;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pilot-batch review report: one self-contained HTML page (inline CSS and SVG, printable on
 * A4) with the batch verdict, each feature's verdict and reasons, control and dispersion charts,
 * histogram with the spec limits and fitted normal curve, capability with bounds, drift findings and
 * the data's provenance. Every number comes from the results as they are.
 */
public final class HtmlReport {

    /** What the results say about one feature of the batch. */
    static final class Feature {
        final String name;
        final List<Line> points = new ArrayList<>();
        /** Rule violations: how many of each rule, and the latest few in full (a drifting batch may have 100k). */
        final Map<String, Long> violationsByRule = new TreeMap<>();
        long violations;
        /** The latest few violations of each rule (a rare rule stays listed beside a frequent one). */
        final Map<String, ArrayDeque<Line>> latestByRule = new TreeMap<>();
        /** Drift alarms: how many, and the latest few in full. */
        long driftCount;
        final ArrayDeque<Line> drifts = new ArrayDeque<>();
        Line capability;
        Line readiness;
        Line limits;
        private Map<String, String> chartTags = Map.of();

        Feature(String name) {
            this.name = name;
        }

        /** The points' one tag, {@code chart}, shared while it stays the same. */
        Map<String, String> chartTags(String chart) {
            if (chart != null && !chart.equals(chartTags.get("chart"))) {
                chartTags = Map.of("chart", chart);
            }
            return chartTags;
        }
    }

    private HtmlReport() {
    }

    /** The fields of a point the charts read: only these are kept (a batch may have 100k points). */
    private static final List<String> POINT_FIELDS = List.of("x", "cl", "ucl", "lcl", "disp", "disp_cl", "disp_ucl",
            "disp_lcl", "rules", "lsl", "usl", "target", "phase", "part");

    /** A point's plotted fields in one array, the keys shared by all points. */
    private static Map<String, Object> plotted(Map<String, Object> fields) {
        Object[] values = new Object[POINT_FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = fields.get(POINT_FIELDS.get(i));
        }
        return new AbstractMap<>() {
            @Override
            public Object get(Object key) {
                int i = POINT_FIELDS.indexOf(key);
                return i < 0 ? null : values[i];
            }

            @Override
            public Set<Map.Entry<String, Object>> entrySet() {
                Set<Map.Entry<String, Object>> entries = new LinkedHashSet<>();
                for (int i = 0; i < values.length; i++) {
                    if (values[i] != null) {
                        entries.add(Map.entry(POINT_FIELDS.get(i), values[i]));
                    }
                }
                return entries;
            }
        };
    }

    /**
     * What the report keeps of one batch's results, line by line: each feature's points (the
     * plotted fields), violations and drift alarms, and its last capability, readiness and limits.
     */
    public static final class Collected {
        final String batch;
        final Map<String, Feature> features = new TreeMap<>();
        Line batchVerdict;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        final TreeSet<String> stations = new TreeSet<>();

        public Collected(String batch) {
            this.batch = batch;
        }

        /** Takes a line of the results in (lines of other batches are ignored). */
        public void add(Line l) {
            if (!batch.equals(l.tags().get("batch"))) {
                return;
            }
            String name = l.tags().get("feature");
            if (name == null) {
                return; // not a result of a chart (every pilot-spc result has a feature tag)
            }
            if (FeatureDefinitions.BATCH_VERDICT_FEATURE.equals(name)) {
                batchVerdict = l;
                return;
            }
            Feature f = features.computeIfAbsent(name, Feature::new);
            switch (l.measurement()) {
                case "spc_point" -> {
                    f.points.add(new Line(l.measurement(), f.chartTags(l.tags().get("chart")), plotted(l.fields()), l.tsNanos()));
                    first = Math.min(first, l.tsNanos());
                    last = Math.max(last, l.tsNanos());
                    if (l.tags().get("station") != null) {
                        stations.add(l.tags().get("station"));
                    }
                }
                case "spc_violation" -> {
                    f.violations++;
                    f.violationsByRule.merge(String.valueOf(l.tags().get("rule")), 1L, Long::sum);
                    keepLatest(f.latestByRule.computeIfAbsent(String.valueOf(l.tags().get("rule")),
                            r -> new ArrayDeque<>()), l, LISTED_PER_RULE);
                }
                case "spc_drift" -> {
                    f.driftCount++;
                    keepLatest(f.drifts, l, LISTED);
                }
                case "spc_capability" -> f.capability = l;
                case "spc_readiness" -> f.readiness = l;
                case "spc_limits" -> f.limits = l;
                default -> {
                }
            }
        }
    }

    /** Drift alarms listed in full per feature: the latest this many. */
    static final int LISTED = 10;
    /** Rule violations listed in full per feature and rule: the latest this many. */
    static final int LISTED_PER_RULE = 3;

    private static void keepLatest(ArrayDeque<Line> latest, Line l, int most) {
        if (latest.size() == most) {
            latest.removeFirst();
        }
        latest.addLast(l);
    }

    public static String render(List<Line> results, String batch, String source) {
        Collected c = new Collected(batch);
        results.forEach(c::add);
        return render(c, source);
    }

    public static String render(Collected c, String source) {
        return render(c, source, List.of(), null);
    }

    /**
     * The page, with each feature's name and unit from {@code definitions} where they define it
     * ({@code definitionsSource} names their file; the results carry feature ids only). Whether a
     * feature counts for the batch verdict comes from its readiness results, from the definitions
     * for results written before they carried it.
     */
    public static String render(Collected c, String source, List<FeatureConfig> definitions, String definitionsSource) {
        Map<String, FeatureConfig> defined = new HashMap<>();
        definitions.forEach(d -> defined.put(d.feature, d));
        Map<String, Feature> features = c.features;
        Line batchVerdict = c.batchVerdict;
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pilot batch review: ")
                .append(esc(c.batch)).append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>Pilot batch review — ").append(esc(c.batch)).append("</h1>\n");
        String verdict = batchVerdict == null ? "insufficient_data" : batchVerdict.text("verdict");
        h.append("<p class=\"verdict ").append(esc(verdict)).append("\">Batch verdict: <b>").append(esc(verdict))
                .append("</b>").append(batchVerdict == null ? "" : " — " + esc(batchVerdict.text("reasons"))).append("</p>\n");
        if (batchVerdict != null && batchVerdict.fields().get("criteria") instanceof String criteria) {
            // the readiness options the job ran with (results before they carried them have none)
            h.append("<p class=\"small criteria\">Ready means: ").append(esc(criteria)).append(".</p>\n");
        }
        h.append("<h2>Features</h2>\n<table class=\"verdicts\"><tr><th>feature</th><th>verdict</th><th>stable</th>"
                + "<th>capable</th><th>reasons</th></tr>\n");
        for (Feature f : features.values()) {
            Line r = f.readiness;
            FeatureConfig d = defined.get(f.name);
            boolean notCounted = notCounted(r, d);
            h.append(notCounted ? "<tr class=\"noncritical\">" : "<tr>").append("<td>").append(esc(f.name));
            if (!title(d).isEmpty()) {
                h.append("<br><span class=\"name\">").append(esc(title(d))).append("</span>");
            }
            if (notCounted) {
                h.append("<br><span class=\"noncritical\">").append(NOT_COUNTED).append("</span>");
            }
            h.append("</td><td class=\"").append(r == null ? "" : esc(r.text("verdict")))
                    .append("\">").append(r == null ? "-" : esc(r.text("verdict"))).append("</td><td>")
                    .append(r == null ? "-" : esc(r.text("stable"))).append("</td><td>").append(r == null ? "-" : esc(r.text("capable")))
                    .append("</td><td>").append(r == null ? "" : esc(r.text("reasons"))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (Feature f : features.values()) {
            feature(h, f, defined.get(f.name));
        }
        h.append("<h2>Provenance</h2>\n<ul>");
        h.append("<li>results: ").append(esc(source)).append("</li>");
        if (definitionsSource != null) {
            // the results do not record names or units: say where they came from
            long known = features.keySet().stream().filter(defined::containsKey).count();
            h.append("<li>feature names and units: ").append(esc(definitionsSource)).append(" (defines ")
                    .append(known).append(" of the ").append(features.size()).append(" features reported)</li>");
        }
        if (c.first <= c.last) {
            h.append("<li>time span: ").append(Instant.ofEpochSecond(0, c.first)).append(" — ")
                    .append(Instant.ofEpochSecond(0, c.last)).append("</li>");
        }
        for (Feature f : features.values()) {
            Line p = f.points.isEmpty() ? null : f.points.get(f.points.size() - 1);
            // the measurements are counted by spc_capability, written from the second point on
            h.append("<li>").append(esc(f.name)).append(": ").append(f.capability == null ? "" : esc(num(f.capability, "n"))
                    + " measurements, ").append(f.points.size()).append(f.points.size() == 1 ? " chart point" : " chart points")
                    .append(", chart ")
                    .append(p == null ? "?" : esc(p.tags().get("chart"))).append(", spec ")
                    .append(p == null ? "" : spec(p)).append(f.limits == null ? "" : ", limits from "
                            + esc(f.limits.text("source")) + " (m = " + esc(num(f.limits, "m")) + ", excluded "
                            + esc(num(f.limits, "excluded")) + ")").append("</li>");
        }
        if (!c.stations.isEmpty()) {
            h.append("<li>stations / gauges: ").append(esc(String.join(", ", c.stations))).append("</li>");
        }
        h.append("</ul>\n<p class=\"small\">Generated by pilot-spc from the results above; every number is as "
                + "the job computed it.</p>\n</body></html>\n");
        return h.toString();
    }

    /**
     * Whether a feature does not count for the batch verdict: as the job judged it (the {@code
     * critical} field of its readiness), else as its definition says (results written before the
     * field existed).
     */
    static boolean notCounted(Line readiness, FeatureConfig definition) {
        if (readiness != null && readiness.fields().get("critical") instanceof Boolean critical) {
            return !critical;
        }
        return definition != null && !definition.critical;
    }

    /** Shown beside a feature that does not count for the batch verdict ({@code critical: false}). */
    static final String NOT_COUNTED = "not critical: not counted for the batch verdict";

    /** A feature's name and unit as its definition gives them ("Bore diameter (mm)"), or "" without either. */
    static String title(FeatureConfig d) {
        String name = d == null ? null : shown(d.name);
        String unit = unit(d);
        if (name == null && unit == null) {
            return "";
        }
        return name == null ? "(" + unit + ")" : unit == null ? name : name + " (" + unit + ")";
    }

    /** A feature's unit, or null if its definition has none (a blank one is none). */
    private static String unit(FeatureConfig d) {
        return d == null ? null : shown(d.unit);
    }

    private static String shown(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static void feature(StringBuilder h, Feature f, FeatureConfig definition) {
        h.append("<section class=\"feature\"><h2>").append(esc(f.name));
        if (!title(definition).isEmpty()) {
            // "id — name (unit)", or "id (unit)" where the definition has no name
            h.append(" <span class=\"name\">").append(shown(definition.name) == null ? "" : "— ")
                    .append(esc(title(definition))).append("</span>");
        }
        h.append("</h2>\n");
        if (notCounted(f.readiness, definition)) {
            h.append("<p class=\"noncritical\">").append(NOT_COUNTED).append(" (<code>critical: false</code>)</p>\n");
        }
        String unit = unit(definition);
        if (!f.points.isEmpty()) {
            String chart = f.points.get(f.points.size() - 1).tags().get("chart");
            boolean individuals = "imr".equals(chart);
            String in = unit == null ? "" : " in " + unit;
            h.append(Svg.controlChart(f.points, "x", "cl", "ucl", "lcl", true,
                    (individuals ? "individuals (X) chart" : "subgroup means (X̄) chart") + in));
            h.append(Svg.controlChart(f.points, "disp", "disp_cl", "disp_ucl", "disp_lcl", false,
                    (individuals ? "moving range (MR) chart" : "xbar_s".equals(chart) ? "standard deviation (S) chart"
                            : "range (R) chart") + in));
            h.append(Svg.histogram(f.points, f.capability, unit));
        }
        if (f.limits != null) {
            h.append("<p class=\"small\">control limits in force (").append(esc(f.limits.text("source")))
                    .append("):</p>");
            fieldTable(h, f.limits, unit, "cl", "ucl", "lcl", "disp_cl", "disp_ucl", "disp_lcl", "sigma");
        }
        if (f.capability != null) {
            fieldTable(h, f.capability, unit, "n", "mean", "sigma_within", "sigma_overall", "cp", "cp_lcl", "cpm");
            fieldTable(h, f.capability, unit, "cpk", "cpk_lcl", "pp", "ppk", "ppk_lcl", "ppm_expected", "ppm_observed");
            normality(h, f.points);
        }
        h.append("<h3>Drift findings</h3>\n");
        if (f.drifts.isEmpty()) {
            h.append("<p>No drift alarm.</p>\n");
        } else {
            if (f.driftCount > f.drifts.size()) {
                h.append("<p class=\"small\">").append(f.driftCount).append(" drift alarms, the latest ").append(f.drifts.size())
                        .append(":</p>");
            }
            h.append("<ul class=\"drift\">");
            for (Line d : f.drifts) {
                h.append("<li>").append(esc(d.text("part") == null ? "" : d.text("part") + ": ")).append(esc(d.text("message")))
                        .append("</li>");
            }
            h.append("</ul>\n");
        }
        h.append("<h3>Rule violations</h3>\n");
        if (f.violations == 0) {
            h.append("<p>No rule violated.</p></section>\n");
            return;
        }
        // baseline points included (phase I review): the readiness reasons count the monitor phase's
        StringBuilder byRule = new StringBuilder();
        f.violationsByRule.forEach((rule, n) -> byRule.append(byRule.length() == 0 ? "" : ", ").append(rule).append(" × ").append(n));
        List<Line> listed = new ArrayList<>();
        f.latestByRule.values().forEach(listed::addAll);
        listed.sort(Comparator.comparingLong(Line::tsNanos)); // stable: a point's rules in their order
        h.append("<p class=\"small\">").append(f.violations).append(" rule violation(s), baseline included: ")
                .append(esc(byRule.toString())).append(f.violations > listed.size() ? "; the latest " + LISTED_PER_RULE
                        + " of each rule:" : ":").append("</p>\n");
        h.append("<table class=\"violations\"><tr><th>time</th><th>part</th><th>rule</th><th>point</th><th>message</th></tr>\n");
        for (Line v : listed) {
            h.append("<tr><td>").append(Instant.ofEpochSecond(0, v.tsNanos())).append("</td><td>")
                    .append(esc(v.text("part") == null ? "-" : v.text("part"))).append("</td><td>").append(esc(v.tags().get("rule")))
                    .append("</td><td>").append(esc(num(v, "n"))).append("</td><td>").append(esc(v.text("message")))
                    .append("</td></tr>\n");
        }
        h.append("</table></section>\n");
    }

    /**
     * Whether the individual values look normal, as the capability indices and expected ppm assume:
     * the Anderson–Darling test, computed here from the charted values (the one number of the page
     * the job did not write). Subgroup charts' results hold means only: not tested.
     */
    static void normality(StringBuilder h, List<Line> points) {
        // the individuals' points only (a chart changed from subgroups to individuals has both)
        double[] individuals = points.stream().filter(p -> "imr".equals(p.tags().get("chart")))
                .mapToDouble(p -> p.number("x")).filter(Double::isFinite).toArray();
        if (individuals.length == 0 && !points.isEmpty()) {
            h.append("<p class=\"small\">Normality not tested: the results hold subgroup means, not single measurements.</p>\n");
            return;
        }
        Normality.AndersonDarling ad = Normality.andersonDarling(individuals);
        if (ad == null) {
            h.append("<p class=\"small\">Normality not tested: fewer than ").append(Normality.MIN_VALUES)
                    .append(" values, or all equal.</p>\n");
            return;
        }
        boolean normal = ad.pValue() >= 0.05;
        h.append(normal ? "<p class=\"small\">" : "<p class=\"small warning\">").append("Normality of the ").append(ad.n())
                .append(" individual values (Anderson–Darling, mean and sigma estimated): A² = ")
                .append(String.format(Locale.ROOT, "%.3f", ad.a2())).append(", p ")
                // rounded down, so a p just below 0.05 never reads 0.050 next to "not normal"
                .append(ad.pValue() < 0.001 ? "&lt; 0.001" : "= " + BigDecimal.valueOf(ad.pValue()).setScale(3, RoundingMode.FLOOR))
                .append(normal ? ": no evidence against a normal distribution.</p>\n"
                        : ": they do not look normally distributed. Cp, Cpk, Pp, Ppk and the expected ppm assume a normal"
                        + " distribution (a drift, a shift or a mix of stations shows here too).</p>\n");
    }

    /** Capability indices and their bounds: shown rounded down, so none reads as reaching a threshold it misses. */
    private static final Set<String> INDICES = Set.of("cp", "cpk", "cpu", "cpl", "pp", "ppk", "cpm",
            "cp_lcl", "cpk_lcl", "ppk_lcl");

    /** An index to 4 significant digits, rounded down (a bound of 1.32996 is 1.329, not 1.330 next to a 1.33 minimum). */
    static String index(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return round(v);
        }
        // from the decimal text of v (0.29, not the binary 0.28999…, which would floor to 0.2899)
        BigDecimal d = BigDecimal.valueOf(v).round(new MathContext(4, RoundingMode.FLOOR));
        return (d.precision() < 4 ? d.setScale(d.scale() + 4 - d.precision()) : d).toPlainString();
    }

    /** Fields in the data's own units around its level (not spreads): shown to the resolution of sigma. */
    private static final Set<String> LOCATIONS = Set.of("mean", "cl", "ucl", "lcl");

    /** Fields in the data's units (locations and spreads); indices, counts and ppm have none. */
    private static final Set<String> IN_DATA_UNITS = Set.of("mean", "cl", "ucl", "lcl", "disp_cl", "disp_ucl", "disp_lcl",
            "sigma", "sigma_within", "sigma_overall");

    /** A table of the named fields of a capability or limits line, each shown as its kind of number is read. */
    private static void fieldTable(StringBuilder h, Line result, String unit, String... names) {
        h.append("<table class=\"capability\"><tr>");
        for (String n : names) {
            h.append("<th>").append(n).append(unit != null && IN_DATA_UNITS.contains(n) ? " (" + esc(unit) + ")" : "")
                    .append("</th>");
        }
        h.append("</tr><tr>");
        // a mean or a limit of the data to the resolution of its sigma; spreads and indices to 4 digits
        double sigma = result.fields().containsKey("sigma_overall") ? result.number("sigma_overall")
                : result.number("sigma");
        for (String n : names) {
            Object v = result.fields().get(n);
            String shown = !(v instanceof Double d) ? num(result, n)
                    : LOCATIONS.contains(n) ? toResolutionOf(d, sigma) : INDICES.contains(n) ? index(d) : round(d);
            h.append("<td data-field=\"").append(n).append("\" data-value=\"").append(esc(num(result, n))).append("\">")
                    .append(esc(shown)).append("</td>");
        }
        h.append("</tr></table>\n");
    }

    private static String spec(Line p) {
        return esc("LSL " + num(p, "lsl") + " / target " + num(p, "target") + " / USL " + num(p, "usl"));
    }

    /** The value as the results hold it (a field absent there shows as "-"). */
    static String num(Line l, String field) {
        Object v = l.fields().get(field);
        if (v == null) {
            return "-";
        }
        return v instanceof Double d ? LineProtocol.formatFloat(d) : v.toString();
    }

    /**
     * A mean to the decimal of sigma's second significant digit (25.0123 with sigma 0.0046, not
     * 25.01): an off-centre mean must show against a tight specification.
     */
    static String toResolutionOf(double mean, double sigma) {
        if (Double.isNaN(mean) || !(sigma > 0) || Double.isInfinite(sigma)) {
            return round(mean);
        }
        int decimals = Math.max(0, 1 - (int) Math.floor(Math.log10(sigma)));
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 12) + "f", mean);
    }

    private static String round(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double abs = Math.abs(v);
        return abs != 0 && (abs < 0.001 || abs >= 1e6) ? String.format(Locale.ROOT, "%.3g", v)
                : String.format(Locale.ROOT, abs >= 100 ? "%.1f" : "%.4g", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String CSS = String.join("\n",
            "@page { size: A4; margin: 14mm; }",
            "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #222; max-width: 190mm; margin: auto; }",
            "h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 14pt; } h3 { font-size: 11pt; }",
            "table { border-collapse: collapse; margin: 6pt 0; } th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; }",
            ".capability td, .capability th { font-size: 8pt; }",
            ".verdict { font-size: 12pt; padding: 6pt; border-radius: 4pt; }",
            ".ready { background: #d9f2d9; } .not_ready { background: #f8d7d7; } .insufficient_data { background: #dde8f7; }",
            "section.feature { page-break-inside: avoid; } svg { display: block; margin: 4pt 0; }",
            ".small { font-size: 8pt; color: #666; } .warning { color: #a33; }",
            ".name { font-weight: normal; } .noncritical { color: #666; font-style: italic; }",
            "tr.noncritical td:first-child { background: #eee; }");
}
