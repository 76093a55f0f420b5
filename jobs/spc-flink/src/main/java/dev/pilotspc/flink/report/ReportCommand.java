package dev.pilotspc.flink.report;

import dev.pilotspc.flink.cli.Options;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

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
                .option("output", "the HTML file to write", null, "report.html");
    }

    public static int run(String[] args, PrintStream out) throws IOException {
        Options o = options().parse(args);
        if (o.helpRequested()) {
            out.println(o.usage());
            return 0;
        }
        List<LineProtocolReader.Line> results;
        String input;
        if (o.has("input") && o.given("influx-url")) {
            throw new Options.UsageException("give the results once: --input FILE or --influx-url URL, not both");
        }
        if (o.has("input")) {
            Path file = Path.of(o.get("input"));
            if (!Files.isRegularFile(file)) {
                throw new Options.UsageException("--input: cannot read file " + file);
            }
            input = file.toString();
            try {
                results = LineProtocolReader.read(file);
            } catch (IOException e) {
                throw new Options.UsageException(e.getMessage());
            }
        } else if (o.has("influx-url")) {
            input = o.get("influx-url") + " (database " + o.get("influx-db") + ")";
            try {
                results = InfluxResults.read(o.get("influx-url"), o.get("influx-db"), o.get("influx-token"), o.get("batch"));
            } catch (IOException e) {
                throw new Options.UsageException(e.getMessage());
            }
        } else {
            throw new Options.UsageException("give the results: --input FILE or --influx-url URL");
        }
        TreeSet<String> batches = HtmlReport.batches(results);
        String batch = o.get("batch");
        if (batches.isEmpty()) {
            throw new Options.UsageException("no SPC results in " + input);
        }
        if (batch == null) {
            if (batches.size() != 1) {
                throw new Options.UsageException("the results hold " + batches.size() + " batches " + batches
                        + ": choose one with --batch");
            }
            batch = batches.first();
        } else if (!batches.contains(batch)) {
            throw new Options.UsageException("no batch '" + batch + "' in " + input + " (batches: " + batches + ")");
        }
        Path output = Path.of(o.get("output"));
        Files.writeString(output, HtmlReport.render(results, batch, input), StandardCharsets.UTF_8);
        out.println("report of batch " + batch + " written to " + output.toAbsolutePath());
        return 0;
    }
}
