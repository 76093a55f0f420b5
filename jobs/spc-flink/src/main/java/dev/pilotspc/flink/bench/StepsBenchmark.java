package dev.pilotspc.flink.bench;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.io.MeasurementParser;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code ./spc bench steps}: the charting work per measurement on one thread, without Kafka or
 * Flink, step by step (parsing the JSON, the engine, writing the results as line protocol) on the
 * data and features of {@code bench pipeline}, to show where a measurement's time goes.
 */
public final class StepsBenchmark {

    private StepsBenchmark() {
    }

    static Options options() {
        return new Options("bench steps", "Per-measurement cost of the job's steps on one thread (no Kafka, no Flink).")
                .option("records", "measurements per round", null, "500000")
                .option("features", "distinct features (keys)", null, "1000")
                .option("rounds", "rounds; the median is printed last (the first ones warm the JIT up)", null, "7");
    }

    public static int run(String[] args) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(System.out)) {
            return 0;
        }
        int records = o.getInt("records");
        int features = o.getInt("features");
        int rounds = o.getInt("rounds");
        Map<String, FeatureConfig> definitions = new HashMap<>();
        for (FeatureConfig c : FeatureDefinitions.parse(PipelineBenchmark.featuresYaml(features), "bench features")) {
            definitions.put(c.feature, c);
        }
        Random random = new Random(1);
        List<String> lines = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            lines.add(PipelineBenchmark.measurement(i, features, random));
        }
        double[][] perRound = new double[rounds][];
        for (int r = 0; r < rounds; r++) {
            perRound[r] = round(lines, definitions);
            System.out.printf(Locale.ROOT, "round %d: %.0f ns per measurement (parse %.0f, engine %.0f, line protocol %.0f)"
                    + ", %.0f bytes%n", r + 1, perRound[r][0], perRound[r][1], perRound[r][2], perRound[r][3], perRound[r][4]);
        }
        double[] median = new double[4];
        for (int k = 0; k < 4; k++) {
            double[] values = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                values[r] = perRound[r][k];
            }
            Arrays.sort(values);
            median[k] = values[rounds / 2];
        }
        System.out.printf(Locale.ROOT, "ns_per_measurement=%.0f parse=%.0f engine=%.0f line_protocol=%.0f bytes=%.0f%n",
                median[0], median[1], median[2], median[3], perRound[rounds - 1][4]);
        return 0;
    }

    /** One pass over the measurements with fresh charts: ns per measurement in total and per step, bytes written. */
    private static double[] round(List<String> lines, Map<String, FeatureConfig> definitions) {
        MeasurementParser parser = new MeasurementParser();
        Map<String, FeatureMonitor> charts = new HashMap<>();
        LineProtocol lineProtocol = new LineProtocol();
        List<SpcResult> results = new ArrayList<>();
        long parse = 0;
        long engine = 0;
        long text = 0;
        long bytes = 0;
        long start = System.nanoTime();
        for (String line : lines) {
            long t0 = System.nanoTime();
            MeasurementRecord r = parser.parseJson(line);
            long t1 = System.nanoTime();
            FeatureMonitor chart = charts.computeIfAbsent(r.chartKey(), k -> new FeatureMonitor(definitions.get(r.feature)));
            results.clear();
            chart.update(r.toMeasurement(), results);
            long t2 = System.nanoTime();
            lineProtocol.reset();
            for (SpcResult result : results) {
                lineProtocol.write(result);
            }
            bytes += lineProtocol.toByteArray().length;
            long t3 = System.nanoTime();
            parse += t1 - t0;
            engine += t2 - t1;
            text += t3 - t2;
        }
        double n = lines.size();
        return new double[] {(System.nanoTime() - start) / n, parse / n, engine / n, text / n, bytes / n};
    }
}
