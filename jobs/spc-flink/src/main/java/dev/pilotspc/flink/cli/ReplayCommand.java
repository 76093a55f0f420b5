package dev.pilotspc.flink.cli;

import dev.pilotspc.core.config.DefinitionException;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.flink.io.DeadLetterJson;
import dev.pilotspc.flink.io.MeasurementParser;
import dev.pilotspc.flink.io.ReplayInput;
import dev.pilotspc.flink.io.SortedFileSink;
import dev.pilotspc.flink.io.TextFileSink;
import dev.pilotspc.flink.io.influx.InfluxLineSink;
import dev.pilotspc.flink.io.influx.InfluxOptions;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.workflow.EventTime;
import dev.pilotspc.flink.workflow.SpcWorkflow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./spc replay}: the streaming job's graph, bounded, over a measurements file; every result
 * as line protocol, rejected records as JSON lines with their reason.
 */
public final class ReplayCommand {

    /** The dead-letters option's default as --help shows it: the output path + ".dlq.jsonl". */
    private static final String NEXT_TO_OUTPUT = "<output>.dlq.jsonl";

    static Options options() {
        return new Options("replay",
                "Charts a measurements file (CSV with a header row, or JSON lines) with the streaming job's graph.")
                .option("features", "feature definitions file (YAML or JSON)")
                .option("input", "measurements file: .csv, or JSON lines")
                .option("output", "line-protocol results file, - for stdout (or give --influx-url)")
                .option("dead-letters", "rejected records as JSON lines with reason", null, NEXT_TO_OUTPUT)
                .option("alerts", "alerts (CONTRACT §5 JSON) as lines to this file")
                .option("max-record-bytes", "records longer than this are rejected as oversized", null,
                        Integer.toString(MeasurementParser.DEFAULT_MAX_RECORD_BYTES))
                .readiness()
                .influx("5");
    }

    private ReplayCommand() {
    }

    public static int run(String[] args) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(System.out)) {
            return 0;
        }
        Path featuresFile = readable(o.required("features"), "features");
        Path inputFile = readable(o.required("input"), "input");
        InfluxOptions influx = RunCommand.influxOptions(o);
        if (influx == null && !o.has("output")) {
            throw new Options.UsageException("give a results destination: --output FILE (- = stdout) and/or --influx-url URL");
        }
        String output = o.get("output");
        String deadLetterBase = output != null ? output : "replay";
        String deadLetters = !o.get("dead-letters").equals(NEXT_TO_OUTPUT)
                ? o.get("dead-letters")
                : (deadLetterBase.equals(TextFileSink.STDOUT) ? "replay.dlq.jsonl" : deadLetterBase + ".dlq.jsonl");
        String definitionsText = definitions(featuresFile);
        writable(output, "output");
        writable(deadLetters, "dead-letters");
        writable(o.get("alerts"), "alerts");
        distinct(new String[] {"features", "input", "output", "dead-letters", "alerts"},
                new String[] {featuresFile.toString(), inputFile.toString(), output, deadLetters, o.get("alerts")});
        try (ReplayInput input = spool(inputFile, new MeasurementParser(o.getInt("max-record-bytes", 32)))) {
            if (input.size() == 0) {
                // nothing to chart: the outputs exist and are empty, as after a replay of blank lines
                for (String file : new String[] {output, deadLetters}) {
                    if (file != null && !file.equals(TextFileSink.STDOUT)) {
                        Files.writeString(Path.of(file), "");
                    }
                }
                System.err.println("spc replay: no records in " + inputFile);
                return 0;
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
            env.setParallelism(1); // one ordered output file: byte-identical replays
            DataStream<MeasurementRecord> measurements = env
                    .fromSource(new NumberSequenceSource(0, input.size() - 1), WatermarkStrategy.noWatermarks(), "measurements-file")
                    .map(input.reader()).returns(Types.POJO(MeasurementRecord.class)).name("read-measurements")
                    .assignTimestampsAndWatermarks(EventTime.sortedFile()).name("event-time");
            // no definitions are published during a replay: a stream that ends at once (Flink has no empty source)
            DataStream<DefinitionUpdate> noUpdates = env.fromData(Types.POJO(DefinitionUpdate.class), new DefinitionUpdate())
                    .filter(update -> false).name("no-definition-updates");
            SpcWorkflow.Outputs outputs = SpcWorkflow.define(measurements, noUpdates, definitionsText,
                    featuresFile.toString(), PublishedDefinitions.NONE, Duration.ZERO, Duration.ZERO, o.readinessPolicy());
            if (output != null) {
                outputs.allResults().sinkTo(SortedFileSink.results(output)).name("results-file").uid("results-file");
            }
            if (influx != null) {
                outputs.sinkLines(() -> new InfluxLineSink(influx), "influxdb", "influx-sink");
            }
            outputs.deadLetters().sinkTo(SortedFileSink.deadLetters(deadLetters))
                    .name("dead-letters-file").uid("dead-letters-file");
            if (o.has("alerts")) {
                outputs.allAlerts().sinkTo(SortedFileSink.alerts(o.get("alerts")))
                        .name("alerts-file").uid("alerts-file");
            }
            env.execute("pilot-spc replay " + inputFile.getFileName());
            // on stderr: stdout may be the results
            String rejected = "dead letters on stdout";
            if (!deadLetters.equals(TextFileSink.STDOUT)) {
                rejected = deadLetterSummary(Path.of(deadLetters));
            }
            System.err.printf(Locale.ROOT, "spc replay: %,d record%s of %s read, results in %s; %s%n",
                    input.size(), input.size() == 1 ? "" : "s", inputFile, String.join(" and ", Stream.of(
                            output == null ? null : output.equals(TextFileSink.STDOUT) ? "stdout" : output,
                            influx == null ? null : influx.redactedUrl()).filter(Objects::nonNull).toList()),
                    rejected);
        }
        return 0;
    }

    /** "3 dead letters in F (2 invalid_json, 1 unknown_feature)": the count by reason, most frequent first. */
    static String deadLetterSummary(Path file) throws IOException {
        Map<String, Long> byReason;
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            byReason = lines.collect(Collectors.groupingBy(line -> Objects.requireNonNullElse(DeadLetterJson.reason(line), "?"),
                    TreeMap::new, Collectors.counting()));
        }
        long count = byReason.values().stream().mapToLong(Long::longValue).sum();
        String reasons = byReason.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%,d %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining(", ", " (", ")"));
        return String.format(Locale.ROOT, "%,d dead letter%s in %s%s", count, count == 1 ? "" : "s", file, count == 0 ? "" : reasons);
    }

    /** The input parsed and spooled in replay order; an unreadable file is a usage error. */
    private static ReplayInput spool(Path inputFile, MeasurementParser parser) throws IOException {
        try {
            return ReplayInput.spool(inputFile, parser);
        } catch (IOException e) {
            throw new Options.UsageException("cannot read input " + inputFile + ": " + e.getMessage());
        }
    }

    /** Refuses two options naming one file: an output would overwrite the input or another output. */
    static void distinct(String[] options, String[] files) throws IOException {
        for (int i = 0; i < files.length; i++) {
            for (int j = i + 1; j < files.length; j++) {
                if (files[i] != null && files[j] != null && !files[i].equals(TextFileSink.STDOUT) && sameFile(files[i], files[j])) {
                    throw new Options.UsageException("--" + options[j] + " names the same file as --" + options[i] + ": " + files[j]);
                }
            }
        }
    }

    private static boolean sameFile(String a, String b) throws IOException {
        Path pa = Path.of(a).toAbsolutePath().normalize();
        Path pb = Path.of(b).toAbsolutePath().normalize();
        return pa.equals(pb) || Files.exists(pa) && Files.exists(pb) && Files.isSameFile(pa, pb);
    }

    /** Fails before the run, not after it, when an output file can't be written (stdout and absent are fine). */
    public static void writable(String name, String option) {
        if (name == null || name.equals(TextFileSink.STDOUT)) {
            return;
        }
        Path p = Path.of(name).toAbsolutePath();
        if (Files.isDirectory(p)) {
            throw new Options.UsageException("--" + option + ": " + name + " is a directory");
        }
        try {
            Files.createDirectories(p.getParent());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new Options.UsageException("--" + option + ": cannot create the directory of " + name + ": " + e.getFile()
                    + " is a file");
        } catch (IOException e) {
            throw new Options.UsageException("--" + option + ": cannot create the directory of " + name + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (Files.exists(p) ? !Files.isWritable(p) : !Files.isWritable(p.getParent())) {
            throw new Options.UsageException("--" + option + ": cannot write " + name);
        }
    }

    /** A features file's text, once its definitions are known to be valid. */
    static String definitions(Path file) {
        try {
            String text = FeatureDefinitions.readText(file);
            FeatureDefinitions.parse(text, file.toString());
            return text;
        } catch (DefinitionException e) {
            throw new Options.UsageException(e.getMessage());
        }
    }

    /**
     * A features file's definitions, read and checked as {@link #definitions} does for the job (an
     * unreadable or invalid file is the same one-line usage error).
     */
    public static List<FeatureConfig> featureDefinitions(Path file) {
        return FeatureDefinitions.parse(definitions(file), file.toString());
    }

    /** The file an option names, if it is one that can be read; else a one-line usage error. */
    public static Path readable(String name, String option) {
        Path p = Path.of(name);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new Options.UsageException("--" + option + ": cannot read file " + name);
        }
        return p;
    }
}
