package dev.pilotspc.flink.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the report shows numbers to people. */
class HtmlReportTest {

    @Test
    void showsAMeanToTheResolutionOfItsSigma() {
        // against a ±0.03 spec a mean of 25.01 vs 25.0123 is the difference between centred and not
        assertEquals("25.0123", HtmlReport.toResolutionOf(25.012345, 0.0046));
        assertEquals("120.061", HtmlReport.toResolutionOf(120.0612, 0.031));
        assertEquals("1503", HtmlReport.toResolutionOf(1502.7, 42));
        assertEquals("-", HtmlReport.toResolutionOf(Double.NaN, 0.1));
    }

    @Test
    void showsIndicesRoundedDown() {
        assertEquals("1.329", HtmlReport.index(1.32996));
        assertEquals("1.330", HtmlReport.index(1.33));
        assertEquals("2.537", HtmlReport.index(2.5379));
        assertEquals("-2483", HtmlReport.index(-2482.7));
        assertEquals("0.0001234", HtmlReport.index(0.00012345));
        assertEquals("0.2900", HtmlReport.index(0.29));
    }

    @Test
    void escapesEveryFieldOfAHandMadeResultsFile() {
        // a results file or InfluxDB may hold anything: no field reaches the page as markup
        String page = HtmlReport.render(List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=1,cl=1,ucl=2,lcl=0,rules=\"\",lsl=\"<b>x</b>\" 1"),
                LineProtocolReader.parse("spc_capability,batch=B,feature=f n=\"<img src=x onerror=alert(1)>\",cpk=\"<i>\" 1"),
                LineProtocolReader.parse("spc_readiness,batch=B,feature=f verdict=\"ready\",stable=\"<script>alert(1)</script>\","
                        + "capable=true,reasons=\"ok\" 1"),
                LineProtocolReader.parse("spc_limits,batch=B,chart=imr,feature=f m=\"<u>\",excluded=\"<s>\",source=\"baseline\" 1")),
                "B", "test");
        assertFalse(page.contains("<script") || page.contains("<img") || page.contains("<b>x") || page.contains("<i>")
                || page.contains("<u>") || page.contains("<s>"), page);
        assertTrue(page.contains("&lt;script&gt;") && page.contains("&lt;img src=x"));
    }

    @Test
    void provenanceCountsMeasurementsOnlyWhereTheResultsDo() {
        // one point: no spc_capability yet, so no measurement count (it read "? measurements")
        String page = HtmlReport.render(List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=1,n=1i,rules=\"\" 1")), "B", "test");
        assertTrue(page.contains("<li>f: 1 chart point, chart imr"), page);
        assertFalse(page.contains("? measurements"), page);
    }

    @Test
    void saysWhetherTheIndividualValuesLookNormal() {
        // 0.1·i² for i = 1..30: Anderson–Darling A² = 0.951, p = 0.014 (scipy.stats.anderson, D'Agostino–Stephens)
        List<LineProtocolReader.Line> skewed = new java.util.ArrayList<>();
        List<LineProtocolReader.Line> even = new java.util.ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            skewed.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=" + 0.1 * i * i + " " + i));
            // normal quantiles at (i - 0.5)/30: as normal as 30 values can be
            double z = new org.apache.commons.math3.distribution.NormalDistribution().inverseCumulativeProbability((i - 0.5) / 30);
            even.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=" + (10 + z) + " " + i));
        }
        StringBuilder h = new StringBuilder();
        HtmlReport.normality(h, skewed);
        assertEquals("<p class=\"small warning\">Normality of the 30 individual values (Anderson–Darling, mean and sigma"
                + " estimated): A² = 0.951, p = 0.014: they do not look normally distributed. Cp, Cpk, Pp, Ppk and the"
                + " expected ppm assume a normal distribution (a drift, a shift or a mix of stations shows here too).</p>\n",
                h.toString());
        h.setLength(0);
        HtmlReport.normality(h, even);
        assertTrue(h.toString().startsWith("<p class=\"small\">Normality of the 30 individual values")
                && h.toString().endsWith(": no evidence against a normal distribution.</p>\n"), h.toString());
        h.setLength(0);
        HtmlReport.normality(h, List.of(LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=1 1")));
        assertEquals("<p class=\"small\">Normality not tested: the results hold subgroup means, not single measurements.</p>\n",
                h.toString());
        h.setLength(0);
        HtmlReport.normality(h, skewed.subList(0, 7));
        assertTrue(h.toString().contains("not tested: fewer than 8 values"), h.toString());
        // a chart changed from subgroups to individuals: the individuals only
        h.setLength(0);
        List<LineProtocolReader.Line> mixed = new java.util.ArrayList<>(skewed);
        mixed.add(0, LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=1000 0"));
        HtmlReport.normality(h, mixed);
        assertTrue(h.toString().contains("Normality of the 30 individual values") && h.toString().contains("A² = 0.951"),
                h.toString());
    }

    @Test
    void marksAPointOnTheChartWhoseRuleFired() {
        // point 2 broke only the dispersion chart's limits (D1): red there, not on the X chart; point 3 an X rule
        List<LineProtocolReader.Line> points = List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=10,disp=0.1,ooc=false,rules=\"\" 1"),
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=10.1,disp=0.9,ooc=true,rules=\"D1\" 2"),
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=13,disp=2.9,ooc=true,rules=\"WE1,D1\" 3"));
        String x = Svg.controlChart(points, "x", "cl", "ucl", "lcl", true, "X");
        String disp = Svg.controlChart(points, "disp", "disp_cl", "disp_ucl", "disp_lcl", false, "MR");
        assertEquals(List.of("pt", "pt", "ooc"), classes(x));
        assertEquals(List.of("pt", "ooc", "ooc"), classes(disp));
        assertTrue(x.contains("<title>WE1</title>") && disp.contains("<title>D1</title>"));
        assertTrue(x.contains(">1 · 1970-01-01T00:00:00Z</text>") && x.contains(">3 · 1970-01-01T00:00:00Z</text>"),
                "the first and last point on the x axis");
        String withPart = Svg.controlChart(List.of(points.get(0), LineProtocolReader.parse(
                "spc_point,batch=B,chart=imr,feature=f x=13,disp=2.9,ooc=true,rules=\"WE1\",part=\"SN<7>\" 2")),
                "x", "cl", "ucl", "lcl", true, "X");
        assertTrue(withPart.contains("<title>WE1 · part SN&lt;7&gt;</title>"), "the red point's part in its tooltip");
        assertEquals("EWMA,CUSUM", Svg.chartRules("EWMA,D1,CUSUM", true));
        assertEquals("", Svg.chartRules("", false));
    }

    @Test
    void histogramsOfSubgroupMeansSaySoAndCurveTheMeans() {
        // three X̄ points of 5 measurements each; overall sigma 1: the means' curve has sigma 1/√5
        LineProtocolReader.Line capability = LineProtocolReader.parse("spc_capability,batch=B,feature=f n=15i,mean=10,sigma_overall=1 3");
        List<LineProtocolReader.Line> means = List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=9.8 1"),
                LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=10 2"),
                LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=10.3 3"));
        String histogram = Svg.histogram(means, capability, null);
        assertTrue(histogram.contains("<title>3 subgroup means of 15 measurements, spec limits, normal curve fitted to the means"), histogram);
        List<LineProtocolReader.Line> individuals = List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=9.8 1"),
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=10 2"));
        String plain = Svg.histogram(individuals, capability, null);
        assertTrue(plain.contains("<title>histogram with spec limits and fitted normal curve (2 values)"), plain);
    }

    @Test
    void histogramsOfDriftingMeansFitTheMeansThemselves() {
        // 40 subgroup means drifting from 10 to 10.39 (sd of the means 0.117), overall sigma of the parts 0.12,
        // 5 per subgroup: σ/√5 = 0.054 would draw a curve twice too narrow and too high for the bars
        List<LineProtocolReader.Line> means = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            means.add(LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=f x=" + (10 + 0.01 * i) + " " + (i + 1)));
        }
        LineProtocolReader.Line capability = LineProtocolReader.parse(
                "spc_capability,batch=B,feature=f n=200i,mean=10.195,sigma_overall=0.12 40");
        String svg = Svg.histogram(means, capability, null);
        // the curve's top against the tallest bar: a fitted normal's peak is near the bars' height
        double curveTop = Double.MAX_VALUE;
        Matcher curve = Pattern.compile("class=\"normal\"[^>]*points=\"([^\"]*)\"").matcher(svg);
        assertTrue(curve.find(), svg);
        for (String xy : curve.group(1).split(" ")) {
            curveTop = Math.min(curveTop, Double.parseDouble(xy.split(",")[1]));
        }
        double barTop = Double.MAX_VALUE;
        Matcher bar = Pattern.compile("<rect class=\"bar\" x=\"[^\"]*\" y=\"([^\"]*)\"").matcher(svg);
        while (bar.find()) {
            barTop = Math.min(barTop, Double.parseDouble(bar.group(1)));
        }
        double floor = 170 - 22; // the plot's bottom edge (HEIGHT − BOTTOM)
        double ratio = (floor - curveTop) / (floor - barTop);
        assertTrue(ratio > 0.5 && ratio < 2, "curve peak / tallest bar " + ratio);
    }

    @Test
    void denseChartsAreDrawnPerPixelColumnWithTheirLimitsAsRuns() {
        // 5000 points, limits constant after point 100, a red point at 2500 and 2501 (one pixel column)
        List<LineProtocolReader.Line> points = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String limits = i < 100 ? "" : ",cl=10,ucl=13,lcl=7";
            String rules = i == 2500 || i == 2501 ? "WE1" : "";
            double x = i == 2500 ? 14 : 10 + Math.sin(i);
            points.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=" + x + limits
                    + ",rules=\"" + rules + "\",phase=\"" + (i < 100 ? "baseline" : "monitor") + "\" " + (i + 1)));
        }
        String svg = Svg.controlChart(points, "x", "cl", "ucl", "lcl", true, "X");
        assertEquals(List.of("ooc"), classes(svg), "one red mark for the column, no blue dots");
        Matcher line = Pattern.compile("class=\"data\"[^>]*points=\"([^\"]*)\"").matcher(svg);
        assertTrue(line.find());
        int vertices = line.group(1).split(" ").length;
        assertTrue(vertices <= 2 * 620 && vertices > 1000, "two vertices per pixel column: " + vertices);
        Matcher ucl = Pattern.compile("class=\"limit\"[^>]*d=\"([^\"]*)\"").matcher(svg);
        assertTrue(ucl.find());
        assertEquals(1, ucl.group(1).split("M").length - 1, "one run: " + ucl.group(1));
        assertEquals(1, ucl.group(1).split("H").length - 1, "one segment: " + ucl.group(1));
        assertTrue(svg.contains("class=\"phase\""), "the baseline's end is marked");
    }

    @Test
    void listsTheLatestViolationsAndCountsEachRule() {
        List<LineProtocolReader.Line> results = new java.util.ArrayList<>();
        results.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=1 1"));
        for (int i = 0; i < 25; i++) {
            results.add(LineProtocolReader.parse("spc_violation,batch=B,feature=f,rule=" + (i % 5 == 0 ? "D1" : "WE1")
                    + " x=1,n=" + (i + 1) + "i,part=\"<P" + i + ">\",message=\"m" + i + "\" " + (i + 1)));
        }
        String page = HtmlReport.render(results, "B", "test");
        assertTrue(page.contains("25 rule violation(s), baseline included: D1 × 5, WE1 × 20; the latest 3 of each rule:"), page);
        // WE1 at 24, 23, 22; D1 (every 5th) at 20, 15, 10
        for (int i = 0; i < 25; i++) {
            boolean listed = i >= 22 || i == 20 || i == 15 || i == 10;
            assertEquals(listed, page.contains("&lt;P" + i + "&gt;"), "violation " + i);
        }
    }

    @Test
    void namesTheFirstAndLastPointsPartOnTheXAxis() {
        // through the report's own point store, which keeps only the fields the charts read
        List<LineProtocolReader.Line> results = new java.util.ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            String part = i == 30 ? "<b>SN-" + "9".repeat(40) + "</b>" : "SN-" + i;
            results.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=" + (10 + i % 3)
                    + ",part=\"" + part + "\" " + i + "000000000"));
        }
        results.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=g x=1 1"));
        results.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=g x=2 2"));
        results.add(LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=h x=1,part=\"SN-5\" 5000000000"));
        results.add(LineProtocolReader.parse("spc_point,batch=B,chart=xbar_r,feature=h x=2,part=\"SN-10\" 10000000000"));
        String page = HtmlReport.render(results, "B", "test");
        assertTrue(page.contains(">1 · part SN-1 · 1970-01-01T00:00:01Z</text>"), page);
        // a hostile serial escaped, a long one cut to 32 characters
        assertTrue(page.contains(">30 · part &lt;b&gt;SN-" + "9".repeat(25) + "… · 1970-01-01T00:00:30Z</text>"), page);
        assertFalse(page.contains("<b>SN"));
        assertTrue(page.contains(">1 · 1970-01-01T00:00:00Z</text>"), "a point without a serial: its time only");
        assertTrue(page.contains(">1 · last part SN-5 · 1970-01-01T00:00:05Z</text>")
                && page.contains(">2 · last part SN-10 · 1970-01-01T00:00:10Z</text>"), "a subgroup's point: its last part");
    }

    @Test
    void namesEachFeatureAndMarksTheOnesNotCountedForTheBatchVerdict() {
        List<LineProtocolReader.Line> results = new java.util.ArrayList<>();
        for (String feature : List.of("bore", "flatness", "undefined")) {
            for (int i = 1; i <= 3; i++) {
                results.add(LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=" + feature + " x=" + (i % 2)
                        + ",disp=1,ucl=3,lcl=-3,cl=0 " + i));
            }
            results.add(LineProtocolReader.parse("spc_capability,batch=B,feature=" + feature
                    + " n=3i,mean=0.5,sigma_overall=0.5,ppk=1.2 3"));
            results.add(LineProtocolReader.parse("spc_readiness,batch=B,feature=" + feature
                    + " verdict=\"not_ready\",stable=true,capable=false,reasons=\"r\" 3"));
        }
        List<dev.pilotspc.core.config.FeatureConfig> definitions = dev.pilotspc.core.config.FeatureDefinitions.parse(
                "- {feature: bore, name: Bore diameter, unit: mm}\n- {feature: flatness, unit: µm, critical: false}\n"
                        + "- {feature: not.in.results, name: Other}\n", "f.yaml");
        String page = HtmlReport.render(collect(results), "results.lp", definitions, "f.yaml");
        assertTrue(page.contains("<h2>bore <span class=\"name\">— Bore diameter (mm)</span></h2>"), page);
        assertTrue(page.contains("<h2>flatness <span class=\"name\">(µm)</span></h2>"), page);
        assertTrue(page.contains("<h2>undefined</h2>"), "a feature the file does not define: as without it");
        assertTrue(page.contains("<th>mean (mm)</th>") && page.contains("<th>sigma_overall (µm)</th>")
                && page.contains("<th>ppk</th>"), "the unit on numbers in the data's units only");
        assertTrue(page.contains("individuals (X) chart in mm") && page.contains("moving range (MR) chart in µm"));
        // the non-critical one, in its row of the feature table and in its section, and only it
        assertEquals(2, page.split(HtmlReport.NOT_COUNTED, -1).length - 1, page);
        String row = page.substring(page.indexOf("<tr class=\"noncritical\">"));
        assertTrue(row.startsWith("<tr class=\"noncritical\"><td>flatness<br>") && row.indexOf(HtmlReport.NOT_COUNTED)
                < row.indexOf("</tr>"), row);
        String section = page.substring(page.indexOf("<h2>flatness"), page.indexOf("<h2>undefined"));
        assertTrue(section.contains(HtmlReport.NOT_COUNTED), section);
        assertTrue(page.contains("f.yaml (defines 2 of the 3 features reported)"), "where the names came from");

        String plain = HtmlReport.render(collect(results), "results.lp");
        assertFalse(plain.contains("class=\"name\"") || plain.contains(HtmlReport.NOT_COUNTED) || plain.contains("(mm)")
                || plain.contains("noncritical\">"), "without definitions: ids only, nothing invented");
        assertTrue(plain.contains("<h2>bore</h2>"));
    }

    @Test
    void escapesNamesAndUnitsOfTheDefinitions() {
        List<LineProtocolReader.Line> results = List.of(
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=1,lsl=0,usl=3 1"),
                LineProtocolReader.parse("spc_point,batch=B,chart=imr,feature=f x=2,lsl=0,usl=3 2"),
                LineProtocolReader.parse("spc_capability,batch=B,feature=f n=2i,mean=1.5,sigma_overall=0.7 2"),
                LineProtocolReader.parse("spc_limits,batch=B,chart=imr,feature=f cl=1.5,sigma=0.7,source=\"baseline\" 2"));
        List<dev.pilotspc.core.config.FeatureConfig> definitions = dev.pilotspc.core.config.FeatureDefinitions.parse(
                "- feature: f\n  name: '<script>alert(1)</script>'\n  unit: '\"><img src=x onerror=alert(2)>'\n"
                        + "  critical: false\n", "<i>f.yaml");
        String page = HtmlReport.render(collect(results), "test", definitions, "<i>f.yaml");
        assertFalse(page.contains("<script") || page.contains("<img") || page.contains("<i>"), page);
        assertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; (&quot;&gt;&lt;img src=x onerror=alert(2)&gt;)"), page);
        assertTrue(page.contains("&lt;i&gt;f.yaml"));
    }

    private static HtmlReport.Collected collect(List<LineProtocolReader.Line> results) {
        HtmlReport.Collected c = new HtmlReport.Collected("B");
        results.forEach(c::add);
        return c;
    }

    private static List<String> classes(String svg) {
        Matcher m = Pattern.compile("<circle class=\"(\\w+)\"").matcher(svg);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
