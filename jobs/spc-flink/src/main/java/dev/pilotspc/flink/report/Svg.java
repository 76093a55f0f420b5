package dev.pilotspc.flink.report;

import dev.pilotspc.flink.report.LineProtocolReader.Line;
import java.util.List;
import java.util.Locale;

/** Inline SVG charts of the report: control charts with step-line limits, and a histogram with the spec. */
final class Svg {

    private static final int WIDTH = 680;
    private static final int HEIGHT = 170;
    private static final int LEFT = 60;
    private static final int RIGHT = 10;
    private static final int TOP = 18;
    private static final int BOTTOM = 22;

    private Svg() {
    }

    /** A chart of {@code field} by point index with centre line and limits as steps; spec limits on the X chart. */
    static String controlChart(List<Line> points, String field, String cl, String ucl, String lcl, boolean xChart,
            String title) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        String[] fields = xChart ? new String[] {field, ucl, lcl, "lsl", "usl"} : new String[] {field, ucl, lcl};
        for (Line p : points) {
            for (String f : fields) {
                double v = p.number(f);
                if (!Double.isNaN(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(min <= max)) {
            return "";
        }
        double pad = (max - min) * 0.05 + 1e-12;
        // a range or standard deviation is never below 0: its axis starts there
        Scale y = new Scale(xChart ? min - pad : Math.max(0, min - pad), max + pad, HEIGHT - BOTTOM, TOP);
        Scale x = new Scale(1, Math.max(2, points.size()), LEFT, WIDTH - RIGHT);
        StringBuilder s = open(title + " (" + points.size() + " points)", y);
        if (xChart) {
            for (String spec : new String[] {"lsl", "usl"}) {
                double v = points.get(points.size() - 1).number(spec);
                if (!Double.isNaN(v)) {
                    s.append(String.format(Locale.ROOT, "<line class=\"spec\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
                            + "stroke=\"orange\" stroke-dasharray=\"2 3\"/><text x=\"%d\" y=\"%.1f\" font-size=\"8\" "
                            + "fill=\"orange\">%s</text>", LEFT, WIDTH - RIGHT, y.of(v), y.of(v), WIDTH - RIGHT - 22, y.of(v) - 2,
                            spec.toUpperCase(Locale.ROOT)));
                }
            }
        }
        // where the baseline (phase I) ended and monitoring began
        for (int i = 1; i < points.size(); i++) {
            if ("monitor".equals(points.get(i).text("phase")) && !"monitor".equals(points.get(i - 1).text("phase"))) {
                double px = x.of(i + 0.5);
                // the label where the data is least likely: a dispersion chart's points lie low (near 0);
                // a halo in the plot's colour keeps it legible over a line
                s.append(String.format(Locale.ROOT, "<line class=\"phase\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                        + "stroke=\"#888\" stroke-dasharray=\"1 2\"/><text x=\"%.1f\" y=\"%d\" font-size=\"8\" fill=\"#666\" "
                        + "stroke=\"#fafafa\" stroke-width=\"3\" paint-order=\"stroke\">monitor →</text>", px, px, TOP,
                        HEIGHT - BOTTOM, px + 2, xChart ? HEIGHT - BOTTOM - 3 : TOP + 9));
                break;
            }
        }
        s.append(step(points, cl, x, y, "green", "cl"));
        s.append(step(points, ucl, x, y, "red", "limit"));
        s.append(step(points, lcl, x, y, "red", "limit"));
        StringBuilder line = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        // beyond DENSE points a pixel column holds several: the line goes through each column's
        // lowest and highest point, only red points are marked, one per column
        boolean dense = points.size() > DENSE;
        long column = Long.MIN_VALUE;
        long markedColumn = Long.MIN_VALUE;
        double low = 0;
        double high = 0;
        for (int i = 0; i < points.size(); i++) {
            double v = points.get(i).number(field);
            if (Double.isNaN(v)) {
                continue;
            }
            double px = x.of(i + 1);
            if (!dense) {
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, y.of(v)));
            } else if (Math.round(px) != column) {
                appendColumn(line, column, low, high, y);
                column = Math.round(px);
                low = v;
                high = v;
            } else {
                low = Math.min(low, v);
                high = Math.max(high, v);
            }
            // red where a rule of this chart fired: D1 on the dispersion chart, any other on the X chart
            String rules = chartRules(points.get(i).text("rules"), xChart);
            boolean ooc = !rules.isEmpty();
            if (dense && (!ooc || Math.round(px) == markedColumn)) {
                continue;
            }
            markedColumn = Math.round(px);
            marks.append(String.format(Locale.ROOT, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">",
                    ooc ? "ooc" : "pt", px, y.of(v), ooc ? "3.2" : "1.6", ooc ? "red" : "#1f4e99"));
            String part = points.get(i).text("part");
            marks.append(ooc ? "<title>" + HtmlReport.esc(rules + (part == null || part.isEmpty() ? "" : " · part " + part))
                    + "</title></circle>" : "</circle>");
        }
        appendColumn(line, column, low, high, y);
        s.append("<polyline class=\"data\" fill=\"none\" stroke=\"#1f4e99\" stroke-width=\"1\" points=\"")
                .append(line.toString().trim()).append("\"/>").append(marks);
        // the x axis: the first and the last point, numbered, with their part serial and time
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" font-size=\"8\">1 · %s</text>"
                + "<text class=\"axis\" x=\"%d\" y=\"%d\" font-size=\"8\" text-anchor=\"end\">%d · %s</text>", LEFT,
                HEIGHT - 8, partAndTime(points.get(0)), WIDTH - RIGHT, HEIGHT - 8, points.size(),
                partAndTime(points.get(points.size() - 1))));
        return s.append("</svg>\n").toString();
    }

    /** Part serials longer than this are cut on the axis (the two labels share one line). */
    static final int SERIAL_SHOWN = 32;

    /** A point's part serial, if it has one (a subgroup's point: its last part's), and its time to the second, UTC; escaped. */
    private static String partAndTime(Line point) {
        String time = java.time.Instant.ofEpochSecond(Math.floorDiv(point.tsNanos(), 1_000_000_000L)).toString();
        String part = point.text("part");
        if (part == null || part.isEmpty()) {
            return time;
        }
        if (part.codePointCount(0, part.length()) > SERIAL_SHOWN) {
            part = part.substring(0, part.offsetByCodePoints(0, SERIAL_SHOWN - 1)) + "…";
        }
        String chart = point.tags().get("chart");
        return (chart == null || chart.equals("imr") ? "part " : "last part ") + HtmlReport.esc(part) + " · " + time;
    }

    /** Points beyond which a chart is drawn per pixel column. */
    static final int DENSE = 1200;

    private static void appendColumn(StringBuilder line, long column, double low, double high, Scale y) {
        if (column != Long.MIN_VALUE) {
            line.append(String.format(Locale.ROOT, "%d,%.1f %d,%.1f ", column, y.of(high), column, y.of(low)));
        }
    }

    /** The rule ids of a point's {@code rules} that belong to the X chart (all but D1) or the dispersion chart (D1). */
    static String chartRules(String rules, boolean xChart) {
        if (rules == null || rules.isEmpty()) {
            return "";
        }
        StringBuilder mine = new StringBuilder();
        for (String rule : rules.split(",")) {
            if (rule.equals("D1") != xChart && !rule.isEmpty()) {
                mine.append(mine.length() == 0 ? "" : ",").append(rule);
            }
        }
        return mine.toString();
    }

    private static String step(List<Line> points, String field, Scale x, Scale y, String color, String cls) {
        // one segment per run of equal values (limits change rarely), joined by vertical steps
        StringBuilder path = new StringBuilder();
        int n = points.size();
        int runStart = -1;
        double runValue = 0;
        boolean connected = false;
        for (int i = 0; i <= n; i++) {
            double v = i < n ? points.get(i).number(field) : Double.NaN;
            if (runStart >= 0 && !(v == runValue)) {
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f H%.1f ", connected ? "L" : "M",
                        x.of(runStart + 0.5 < 1 ? 1 : runStart + 0.5), y.of(runValue), x.of(Math.min(n, i + 0.5))));
                connected = !Double.isNaN(v);
                runStart = -1;
            }
            if (Double.isNaN(v)) {
                connected = false;
            } else if (runStart < 0) {
                runStart = i;
                runValue = v;
            }
        }
        return path.length() == 0 ? "" : "<path class=\"" + cls + "\" fill=\"none\" stroke=\"" + color
                + "\" stroke-dasharray=\"5 3\" d=\"" + path.toString().trim() + "\"/>";
    }

    /**
     * Histogram of the plotted values with the spec limits and the normal curve of the overall mean
     * and sigma. On subgroup charts the values are subgroup means: the curve is the normal fitted to
     * the means themselves, and the title says so (single parts spread wider against the spec).
     */
    static String histogram(List<Line> points, Line capability, String unit) {
        double[] values = points.stream().mapToDouble(p -> p.number("x")).filter(v -> !Double.isNaN(v)).toArray();
        if (values.length < 2) {
            return "";
        }
        Line lastPoint = points.get(points.size() - 1);
        double lsl = lastPoint.number("lsl");
        double usl = lastPoint.number("usl");
        double min = java.util.Arrays.stream(values).min().getAsDouble();
        double max = java.util.Arrays.stream(values).max().getAsDouble();
        if (!Double.isNaN(lsl)) {
            min = Math.min(min, lsl);
        }
        if (!Double.isNaN(usl)) {
            max = Math.max(max, usl);
        }
        double pad = (max - min) * 0.05 + 1e-12;
        min -= pad;
        max += pad;
        int bins = 24;
        int[] counts = new int[bins];
        double width = (max - min) / bins;
        for (double v : values) {
            counts[Math.min(bins - 1, (int) ((v - min) / width))]++;
        }
        int top = java.util.Arrays.stream(counts).max().getAsInt();
        double mean = capability == null ? Double.NaN : capability.number("mean");
        double sigma = capability == null ? Double.NaN : capability.number("sigma_overall");
        boolean means = !"imr".equals(lastPoint.tags().get("chart"));
        double measurements = capability == null ? Double.NaN : capability.number("n");
        if (means) {
            // the means' own mean and sample sd: with drift between subgroups they spread wider than σ/√n
            mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            sigma = Math.sqrt(ss / (values.length - 1));
        }
        double peak = Double.isNaN(sigma) || sigma <= 0 ? 0 : values.length * width / (sigma * Math.sqrt(2 * Math.PI));
        Scale x = new Scale(min, max, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(0, Math.max(top, peak) * 1.1, HEIGHT - BOTTOM, TOP);
        StringBuilder s = open(means
                ? values.length + " subgroup means of " + (Double.isNaN(measurements) ? "?" : (long) measurements)
                        + " measurements, spec limits, normal curve fitted to the means (single parts spread wider)"
                : "histogram with spec limits and fitted normal curve (" + values.length + " values)", null);
        for (int b = 0; b < bins; b++) {
            if (counts[b] > 0) {
                s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"#9db8e0\" stroke=\"#1f4e99\" stroke-width=\"0.5\"/>", x.of(min + b * width), y.of(counts[b]),
                        x.of(min + (b + 1) * width) - x.of(min + b * width), y.of(0) - y.of(counts[b])));
            }
        }
        if (peak > 0) {
            StringBuilder curve = new StringBuilder();
            for (int i = 0; i <= 120; i++) {
                double v = min + (max - min) * i / 120;
                double z = (v - mean) / sigma;
                curve.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.of(v), y.of(peak * Math.exp(-0.5 * z * z))));
            }
            s.append("<polyline class=\"normal\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.2\" points=\"")
                    .append(curve.toString().trim()).append("\"/>");
        }
        for (String spec : new String[] {"lsl", "usl"}) {
            double v = lastPoint.number(spec);
            if (!Double.isNaN(v)) {
                // LSL labelled to the right of its line, USL to the left: both stay inside the plot
                boolean upper = spec.equals("usl");
                s.append(String.format(Locale.ROOT, "<line class=\"spec\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
                        + "stroke=\"red\" stroke-width=\"1.5\"/><text x=\"%.1f\" y=\"%d\" font-size=\"8\" fill=\"red\"%s>%s %s</text>",
                        x.of(v), x.of(v), TOP, HEIGHT - BOTTOM, upper ? x.of(v) - 2 : x.of(v) + 2, TOP + 8,
                        upper ? " text-anchor=\"end\"" : "", spec.toUpperCase(Locale.ROOT),
                        HtmlReport.esc(HtmlReport.num(lastPoint, spec))));
            }
        }
        String in = unit == null ? "" : " " + HtmlReport.esc(unit);
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"8\">%s</text>", LEFT, HEIGHT - 6,
                fmt(min) + in));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"8\" text-anchor=\"end\">%s</text>",
                WIDTH - RIGHT, HEIGHT - 6, fmt(max) + in));
        return s.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title, Scale y) {
        StringBuilder s = new StringBuilder(8192);
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>", WIDTH, HEIGHT, WIDTH, HEIGHT,
                HtmlReport.esc(title)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" "
                + "stroke=\"#ccc\"/><text x=\"%d\" y=\"12\" font-size=\"10\" font-weight=\"bold\">%s</text>", LEFT, TOP,
                WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, LEFT, HtmlReport.esc(title)));
        if (y != null) {
            for (int i = 0; i <= 4; i++) {
                double v = y.lo + (y.hi - y.lo) * i / 4;
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"8\" text-anchor=\"end\">%s</text>",
                        LEFT - 4, y.of(v) + 3, fmt(v)));
            }
        }
        return s;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.5g", v);
    }

    /** A linear map from data to pixels. */
    private record Scale(double lo, double hi, double from, double to) {
        double of(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }
}
