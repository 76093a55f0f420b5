package dev.pilotspc.flink.report;

import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.ReplayCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/** {@code ./spc report}: the pilot-batch review report (HTML) from a results file. */
public final class ReportCommand {

    private ReportCommand() {
    }

    static Options options() {
        return new Options("report", "The pilot-batch review report: one self-contained HTML page, printable on A4.")
                .option("input", "results file (InfluxDB line protocol, as ./spc replay or ./spc demo write it)")
                .option("influx-url", "or read the results from InfluxDB (InfluxQL /query)", "INFLUX_URL", null)
                .option("influx-db", "database (InfluxDB 2.x/3.x: the bucket)", "INFLUX_DB", "spc")
                .option("influx-token", "API token, if the server needs one", "INFLUX_TOKEN", null)
                .option("batch", "the batch to report (default: the only one in the results)")
                .option("features", "feature definitions file (YAML or JSON, as the job reads it): each feature's name "
                        + "and unit, and which ones are not critical (not counted for the batch verdict)")
                .option("output", "the HTML file to write (- = stdout)", null, "report.html");
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        Options o = options().parse(args);
        if (o.printedHelp(out)) {
            return 0;
        }
        if (o.has("input") && o.given("influx-url")) {
            throw new Options.UsageException("give the results once: --input FILE or --influx-url URL, not both");
        }
        String output = o.get("output");
        // the definitions before the results: a bad file fails at once, not after reading 200k lines
        List<FeatureConfig> definitions = List.of();
        if (o.has("features")) {
            Path file = ReplayCommand.readable(o.get("features"), "features");
            refuseAsOutput(output, file, "the features file");
            definitions = ReplayCommand.featureDefinitions(file);
        }
        ReplayCommand.writable(output, "output"); // its directory made, as replay makes its outputs'
        String asked = o.get("batch");
        TreeSet<String> batches = new TreeSet<>();
        // the batch asked for, else the first one met (an error below unless it is the only one)
        HtmlReport.Collected[] collected = {asked == null ? null : new HtmlReport.Collected(asked)};
        Consumer<LineProtocolReader.Line> collect = line -> {
            String batch = line.tags().get("batch");
            if (batch != null && batches.add(batch) && asked == null) {
                // a second batch without --batch: an error at the end, so collect names only from here
                collected[0] = batches.size() == 1 ? new HtmlReport.Collected(batch) : null;
            }
            if (collected[0] != null) {
                collected[0].add(line);
            }
        };
        String input;
        try {
            if (o.has("input")) {
                Path file = Path.of(o.get("input"));
                if (!Files.isRegularFile(file)) {
                    throw new Options.UsageException("--input: cannot read file " + file);
                }
                refuseAsOutput(output, file, "the results file itself");
                input = file.toString();
                LineProtocolReader.read(file, collect);
            } else if (o.has("influx-url")) {
                input = o.get("influx-url") + " (database " + o.get("influx-db") + ")";
                InfluxResults.read(o.get("influx-url"), o.get("influx-db"), o.get("influx-token"), asked).forEach(collect);
            } else {
                throw new Options.UsageException("give the results: --input FILE or --influx-url URL");
            }
        } catch (IOException e) {
            throw new Options.UsageException(e.getMessage());
        } catch (OutOfMemoryError e) {
            collected[0] = null;
            throw new Options.UsageException("not enough memory for the report of these results: give the JVM more, "
                    + "e.g. SPC_JAVA_OPTS=-Xmx4g ./spc report ...");
        }
        if (batches.isEmpty()) {
            throw new Options.UsageException("no SPC results in " + input);
        }
        if (asked == null && batches.size() != 1) {
            throw new Options.UsageException("the results hold " + batches.size() + " batches " + listing(batches)
                    + ": choose one with --batch");
        }
        if (asked != null && !batches.contains(asked)) {
            throw new Options.UsageException("no batch '" + asked + "' in " + input + " (batches: " + listing(batches) + ")");
        }
        String html = HtmlReport.render(collected[0], input, definitions,
                o.has("features") ? o.get("features") : null);
        String batch = collected[0].batch;
        if (output.equals("-")) {
            out.write(html.getBytes(StandardCharsets.UTF_8)); // the page says charset=utf-8, whatever the locale
            out.flush();
            return 0;
        }
        try {
            Files.writeString(Path.of(output), html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Options.UsageException("--output " + output + ": cannot write it ("
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                            : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                            : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                            : String.valueOf(e.getMessage())) + ")");
        }
        out.println("report of batch " + batch + " written to " + Path.of(output).toAbsolutePath());
        return 0;
    }

    /** Refuses an --output that names {@code file}: the report would overwrite what it is made from. */
    private static void refuseAsOutput(String output, Path file, String what) throws IOException {
        if (!output.equals("-") && Files.exists(Path.of(output)) && Files.isSameFile(file, Path.of(output))) {
            throw new Options.UsageException("--output " + output + " is " + what + ": name another file");
        }
    }

    /** Batch names for a one-line message: quoted, control characters shown as escapes. */
    private static String listing(TreeSet<String> batches) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (String b : batches) {
            if (shown++ == 10) {
                text.append(", … ").append(batches.size() - 10).append(" more");
                break;
            }
            text.append(text.length() == 0 ? "" : ", ").append('\'').append(b.replace("\n", "\\n").replace("\r", "\\r")
                    .replace("\t", "\\t")).append('\'');
        }
        return "[" + text + "]";
    }
}
