package dev.pilotspc.flink.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.ReplayCommand;
import dev.pilotspc.flink.report.LineProtocolReader.Line;
import dev.pilotspc.flink.sim.Scenario;
import dev.pilotspc.flink.sim.Simulator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The review report of a replayed scenario: its structure, its numbers, and its rendering in Chromium. */
class ReportCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    @TempDir
    static Path dir;

    static Path results;
    static Path report;
    static String html;

    @BeforeAll
    static void replayAndReport() throws Exception {
        Scenario scenario = Scenario.load("tool-wear");
        StringBuilder records = new StringBuilder();
        Simulator.generate(scenario, Simulator.DEFAULT_T0).forEach(r -> records.append(r.value()).append('\n'));
        StringBuilder features = new StringBuilder();
        scenario.features.forEach(f -> features.append("- ").append(f.definitionJson()).append('\n'));
        results = dir.resolve("tool-wear.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features",
            Files.writeString(dir.resolve("f.yaml"), features).toString(), "--input",
            Files.writeString(dir.resolve("m.jsonl"), records).toString(), "--output", results.toString()}));
        report = dir.resolve("report.html");
        assertEquals(0, ReportCommand.run(new String[] {"--input", results.toString(), "--output", report.toString()},
                new PrintStream(new ByteArrayOutputStream())));
        html = Files.readString(report);
    }

    @Test
    void isOneSelfContainedPageWithWellFormedCharts() throws Exception {
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.trim().endsWith("</html>"));
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("href=\"http")
                || html.contains("@import"), "no external scripts, fonts or stylesheets");
        Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        int charts = 0;
        while (svg.find()) {
            DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.group().getBytes(StandardCharsets.UTF_8)));
            charts++;
        }
        assertEquals(2 * 3, charts, "X chart, dispersion chart and histogram for each of the 2 features");
        assertEquals(countOf("<table"), countOf("</table>"));
        assertEquals(countOf("<section"), countOf("</section>"));
        assertTrue(html.contains("Batch verdict: <b>not_ready</b>"));
        assertTrue(html.contains("Ready means: limits in force, at least 30 parts; no out-of-control point or drift alarm in"
                + " the monitor phase; Ppk 95 % lower bound (else Cpk's; the estimate without a bound) at least 1.33; batch: every critical"
                + " feature ready."), "the readiness criteria the job ran with (its defaults)");
        assertTrue(html.contains("class=\"ooc\""), "out-of-control points are marked");
    }

    @Test
    void statesTheReadinessCriteriaTheJobRanWith() throws Exception {
        Path other = dir.resolve("criteria.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", dir.resolve("f.yaml").toString(), "--input",
            dir.resolve("m.jsonl").toString(), "--output", other.toString(), "--ready-min-parts", "20",
            "--ready-min-index", "1.67", "--ready-point-estimate", "--ready-window", "15"}));
        Path page = dir.resolve("criteria.html");
        assertEquals(0, ReportCommand.run(new String[] {"--input", other.toString(), "--output", page.toString()},
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(Files.readString(page).contains("Ready means: limits in force, at least 20 parts; no out-of-control"
                + " point or drift alarm in the last 15 points of the monitor phase; Ppk (else Cpk) at least 1.67;"
                + " batch: every critical feature ready."));
    }

    @Test
    void refusesToOverwriteItsInputAndWritesToStdoutOnDash() throws Exception {
        Options.UsageException same = assertThrows(Options.UsageException.class, () -> ReportCommand.run(
                new String[] {"--input", results.toString(), "--output", results.toString()}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(same.getMessage().contains("is the results file itself"), same.getMessage());
        assertTrue(Files.readString(results).startsWith("spc_"), "the results are as they were");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        // a stream in another charset (a C locale's stdout): the page's bytes are UTF-8 all the same
        assertEquals(0, ReportCommand.run(new String[] {"--input", results.toString(), "--output", "-"},
                new PrintStream(stdout, true, StandardCharsets.US_ASCII)));
        assertEquals(html, stdout.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(Path.of("-")));
        Path nested = dir.resolve("new/dir/report.html");
        assertEquals(0, ReportCommand.run(new String[] {"--input", results.toString(), "--output", nested.toString()},
                new PrintStream(new ByteArrayOutputStream())), "the output's directory is made, as replay makes its outputs'");
        assertEquals(html, Files.readString(nested));
        Options.UsageException unwritable = assertThrows(Options.UsageException.class, () -> ReportCommand.run(
                new String[] {"--input", results.toString(), "--output", results.resolve("report.html").toString()},
                new PrintStream(new ByteArrayOutputStream())));
        // it read "(FileAlreadyExistsException: …)"
        assertEquals("--output: cannot create the directory of " + results.resolve("report.html") + ": " + results + " is a file",
                unwritable.getMessage());
        Path twoBatches = Files.writeString(dir.resolve("two.lp"), "spc_point,batch=A,chart=imr,feature=f x=1 1\n"
                + "spc_point,batch=B,chart=imr,feature=f x=1 2\nspc_point,batch=A,chart=imr,feature=f x=2 3\n");
        Options.UsageException choose = assertThrows(Options.UsageException.class, () -> ReportCommand.run(
                new String[] {"--input", twoBatches.toString()}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(choose.getMessage().endsWith("hold 2 batches ['A', 'B']: choose one with --batch"), choose.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.lp"), "spc_point,batch=B\u00e9,feature=f x=1 1\n".getBytes(StandardCharsets.ISO_8859_1));
        Options.UsageException notUtf8 = assertThrows(Options.UsageException.class, () -> ReportCommand.run(
                new String[] {"--input", latin1.toString()}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(notUtf8.getMessage().endsWith("not UTF-8 text (the results of ./spc replay or run are)"), notUtf8.getMessage());
    }

    @Test
    void namesTheFeaturesOfADefinitionsFileAndMarksTheNonCriticalOneAsTheJobJudgedIt() throws Exception {
        Path features = Files.writeString(dir.resolve("named.yaml"), String.join("\n",
                "features:",
                "  - {feature: housing.bore_diameter, name: Housing bore diameter, unit: mm, lsl: 24.97, usl: 25.03}",
                "  - {feature: shaft.length, name: Shaft length, unit: mm, lsl: 119.8, usl: 120.2, critical: false}", ""));
        Path named = dir.resolve("named.html");
        assertEquals(0, ReportCommand.run(new String[] {"--input", results.toString(), "--features", features.toString(),
            "--output", named.toString()}, new PrintStream(new ByteArrayOutputStream())));
        String page = Files.readString(named);
        assertTrue(page.contains("<h2>housing.bore_diameter <span class=\"name\">— Housing bore diameter (mm)</span></h2>"));
        assertTrue(page.contains("<h2>shaft.length <span class=\"name\">— Shaft length (mm)</span></h2>"));
        // the file says shaft.length is not critical, but the job charted it as critical (its readiness
        // lines say so) and counted it in the batch verdict: the page shows what the verdict used
        assertFalse(page.contains(HtmlReport.NOT_COUNTED), "the results' critical flag wins over the file");

        // results of a run whose definitions made shaft.length non-critical: marked without --features
        String nonCritical = Files.readString(results).replaceAll(
                "(spc_readiness,[^ ]*feature=shaft\\.length[^ ]* capable=(?:true|false),)critical=true", "$1critical=false");
        assertTrue(nonCritical.contains("critical=false"));
        Path rerun = Files.writeString(dir.resolve("noncritical.lp"), nonCritical);
        Path marked = dir.resolve("marked.html");
        assertEquals(0, ReportCommand.run(new String[] {"--input", rerun.toString(), "--output", marked.toString()},
                new PrintStream(new ByteArrayOutputStream())));
        String markedPage = Files.readString(marked);
        String shaft = markedPage.substring(markedPage.indexOf("<h2>shaft.length"));
        assertTrue(shaft.substring(0, shaft.indexOf("<svg")).contains(HtmlReport.NOT_COUNTED), "in the feature's section");
        assertTrue(markedPage.contains("<tr class=\"noncritical\"><td>shaft.length<br><span class=\"noncritical\">"), "in the feature table");
        assertEquals(2, markedPage.split(HtmlReport.NOT_COUNTED, -1).length - 1, "the bore counts");
        assertTrue(page.contains("<th>mean (mm)</th>") && page.contains("individuals (X) chart in mm"));
        assertEquals(values(html), values(page), "the numbers as without the definitions");
        assertTrue(html.contains(">1 · part SN-0001 · ") && html.contains(">140 · part SN-0140 · "),
                "the x axis names the first and last part");
    }

    @Test
    void aBadFeaturesFileIsAOneLineUsageError() throws Exception {
        // a usage error is what ./spc prints as one line and exits 2 on (SpcCli)
        Path invalid = Files.writeString(dir.resolve("invalid.yaml"), "- feature: f\n  unit: mm\n  colour: red\n");
        Path output = dir.resolve("never.html");
        String[][] cases = {
            {"--input", results.toString(), "--features", invalid.toString(), "--output", output.toString()},
            {"--input", results.toString(), "--features", dir.resolve("nope.yaml").toString(), "--output", output.toString()},
            {"--input", results.toString(), "--features", invalid.toString(), "--output", invalid.toString()}};
        List<String> messages = new java.util.ArrayList<>();
        for (String[] args : cases) {
            messages.add(assertThrows(Options.UsageException.class, () -> ReportCommand.run(args,
                    new PrintStream(new ByteArrayOutputStream()))).getMessage());
        }
        assertTrue(messages.get(0).startsWith(invalid + ": feature 'f': colour: unknown key"), messages.get(0));
        assertEquals("--features: cannot read file " + dir.resolve("nope.yaml"), messages.get(1));
        assertEquals("--output " + invalid + " is the features file: name another file", messages.get(2));
        messages.forEach(m -> assertFalse(m.contains("\n"), m));
        assertFalse(Files.exists(output));
        assertTrue(Files.readString(invalid).startsWith("- feature: f"), "the features file is untouched");
    }

    private static int countOf(String s) {
        return html.split(Pattern.quote(s), -1).length - 1;
    }

    @Test
    void capabilityNumbersAreThoseOfTheResults() throws Exception {
        List<Line> lines = LineProtocolReader.read(results);
        for (String feature : List.of("housing.bore_diameter", "shaft.length")) {
            Line last = lines.stream().filter(l -> l.measurement().equals("spc_capability")
                    && feature.equals(l.tags().get("feature"))).reduce((a, b) -> b).orElseThrow();
            String section = html.substring(html.indexOf("<h2>" + feature + "</h2>"));
            for (String field : List.of("cpk", "cpk_lcl", "ppk", "ppk_lcl", "ppm_expected", "n")) {
                Matcher m = Pattern.compile("data-field=\"" + field + "\" data-value=\"([^\"]*)\"").matcher(section);
                assertTrue(m.find(), field);
                String inResults = Files.readAllLines(results).stream()
                        .filter(l -> l.startsWith("spc_capability,") && l.matches(".*,feature=" + Pattern.quote(feature) + "[, ].*")
                                && l.endsWith(" " + last.tsNanos()))
                        .findFirst().orElseThrow().replaceAll(".*[ ,]" + field + "=([^, ]+).*", "$1").replaceAll("i$", "");
                assertEquals(inResults, m.group(1), feature + " " + field);
            }
        }
    }

    @Test
    void readsTheSameResultsBackFromInfluxDb() throws Exception {
        try (dev.pilotspc.flink.testing.InfluxServer influx = dev.pilotspc.flink.testing.InfluxServer.start("spc")) {
            StringBuilder body = new StringBuilder();
            Files.readAllLines(results).forEach(l -> body.append(l).append('\n'));
            var http = java.net.http.HttpClient.newHttpClient();
            var response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(influx.url() + "/write?db=spc&precision=ns"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(204, response.statusCode(), response.body());
            Path fromInflux = dir.resolve("from-influx.html");
            assertEquals(0, ReportCommand.run(new String[] {"--influx-url", influx.url(), "--influx-db", "spc",
                "--batch", "PB-TW-01", "--output", fromInflux.toString()}, new PrintStream(new ByteArrayOutputStream())));
            String other = Files.readString(fromInflux);
            assertEquals(values(html), values(other), "the same capability numbers");
            assertEquals(html.split("<svg", -1).length, other.split("<svg", -1).length);
            assertTrue(other.contains("Batch verdict: <b>not_ready</b>"));
            assertTrue(other.contains("Ready means: limits in force, at least 30 parts;"), "criteria read back too");
        }
    }

    private static List<String> values(String page) {
        List<String> values = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("data-field=\"[^\"]+\" data-value=\"[^\"]*\"").matcher(page);
        while (m.find()) {
            values.add(m.group());
        }
        assertTrue(values.size() >= 28, "14 capability fields per feature: " + values.size());
        return values;
    }

    @Test
    void rendersInHeadlessChromiumToAPageThatIsNotBlank() throws Exception {
        Path png = Path.of("target/report-tool-wear.png").toAbsolutePath(); // kept as a test artifact
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        Process chromium;
        try {
            chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + dir.resolve("chromium-profile"), "--window-size=900,2400",
                    "--screenshot=" + png, report.toUri().toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("Debian's chromium is needed (apt-get install chromium)", e);
        }
        chromium.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(chromium.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        long colours = 0;
        long nonWhite = 0;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
                if (seen.add(rgb)) {
                    colours++;
                }
            }
        }
        assertTrue(nonWhite > 5000, "the page has content: " + nonWhite + " non-white samples");
        assertTrue(colours > 20, "charts in colour: " + colours);
    }
}
