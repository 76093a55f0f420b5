package dev.pilotspc.core.bench;

import dev.pilotspc.core.ControlConstants;
import dev.pilotspc.core.chart.Cusum;
import dev.pilotspc.core.chart.Ewma;
import dev.pilotspc.core.chart.PointHistory;
import dev.pilotspc.core.chart.RunRules;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.drift.TrendDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code ./spc bench detection}: zero-state average run lengths of the charts on simulated N(δ, 1)
 * data with known mean and sigma (limits from history, no estimation error), over many seeded
 * runs, next to the published values; and the detection delay of a linear drift.
 */
public final class DetectionBenchmark {

    private static final double[] SHIFTS = {0, 0.5, 1, 1.5, 2};
    private static final int CAP = 200_000;

    /** One chart configuration and its run length at one shift. */
    record Row(String chart, String rules, double lambda, double sigmas, double k, double h, double shift,
            double arl, double stderr, int runs, Double published, String source) {
    }

    private interface Chart {
        /** Adds a point; true when the chart signals. */
        boolean signal(double x);
    }

    private DetectionBenchmark() {
    }

    private static final long MAX_RUNS = 100_000_000;

    public static void main(String[] args) throws IOException {
        int runs = 10_000;
        long seed = 1;
        String json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    System.out.println("Usage: ./spc bench detection [--runs N] [--seed S] [--json FILE]\n"
                            + "  --runs N     seeded runs per chart and shift (default 10000)\n"
                            + "  --seed S     first seed (default 1)\n"
                            + "  --json FILE  also write the rows as a JSON list");
                    return;
                }
                case "--runs" -> {
                    long n = number(args, ++i);
                    if (n > MAX_RUNS) {
                        System.err.println("spc bench detection: option '--runs' takes at most " + MAX_RUNS + ", got " + n);
                        System.exit(2);
                    }
                    runs = (int) n;
                }
                case "--seed" -> seed = number(args, ++i);
                case "--json" -> json = value(args, ++i);
                default -> {
                    System.err.println("spc bench detection: unknown option '" + args[i] + "' (see --help)");
                    System.exit(2);
                }
            }
        }
        if (json != null) {
            try {
                Files.writeString(Path.of(json), ""); // before the minutes of simulation, not after
            } catch (IOException | java.nio.file.InvalidPathException e) {
                System.err.println("spc bench detection: cannot write --json " + json + ": " + e.getMessage());
                System.exit(2);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (double shift : SHIFTS) {
            rows.add(shewhart("WE1", Rule.WE1.bit(), shift, runs, seed, shewhartExact(shift), "1/P(|Z+d|>3)"));
        }
        for (double shift : SHIFTS) {
            rows.add(shewhart("WE1,WE2,WE3,WE4", Rule.westernElectric(), shift, runs, seed,
                    shift == 0 ? 91.75 : null, shift == 0 ? "Champ & Woodall 1987" : null));
        }
        double[] ewmaPublished = {500, Double.NaN, 10.5, Double.NaN, Double.NaN};
        for (int i = 0; i < SHIFTS.length; i++) {
            double shift = SHIFTS[i];
            rows.add(measure("ewma", "EWMA", 0.2, 2.962, Double.NaN, Double.NaN, shift, runs, seed, () -> {
                Ewma e = new Ewma(0.2, 2.962);
                e.reset(0);
                return x -> e.update(x, 0, 1, 1);
            }, Double.isNaN(ewmaPublished[i]) ? null : ewmaPublished[i],
                    Double.isNaN(ewmaPublished[i]) ? null : "Lucas & Saccucci 1990 (asymptotic limits)"));
        }
        double[] cusumPublished = {465, 38.0, 10.4, 5.75, 4.01};
        for (int i = 0; i < SHIFTS.length; i++) {
            rows.add(measure("cusum", "CUSUM", Double.NaN, Double.NaN, 0.5, 5, SHIFTS[i], runs, seed, () -> {
                Cusum c = new Cusum(0.5, 5, 0);
                c.reset(1);
                return x -> c.update(x, 0, 1);
            }, cusumPublished[i], "Montgomery Table 9.3"));
        }

        System.out.println("Zero-state average run length (points to the first signal), known mean and sigma, "
                + runs + " runs each:");
        System.out.printf(Locale.ROOT, "%-8s %-17s %-22s %6s %10s %8s %10s  %s%n", "chart", "rules", "parameters", "shift",
                "ARL", "± s.e.", "published", "source");
        for (Row r : rows) {
            String params = switch (r.chart()) {
                case "ewma" -> "lambda 0.2, L 2.962";
                case "cusum" -> "k 0.5, h 5";
                default -> "3 sigma";
            };
            System.out.printf(Locale.ROOT, "%-8s %-17s %-22s %6.1f %10.2f %8.2f %10s  %s%n", r.chart(), r.rules(), params,
                    r.shift(), r.arl(), r.stderr(), r.published() == null ? "" : String.format(Locale.ROOT, "%.2f",
                            r.published()), r.source() == null ? "" : r.source());
        }
        driftDelays(runs, seed);
        if (json != null) {
            Files.writeString(Path.of(json), toJson(rows));
            System.out.println("wrote " + rows.size() + " rows to " + json);
        }
    }

    private static double shewhartExact(double shift) {
        double p = ControlConstants.normalCdf(-3 - shift) + 1 - ControlConstants.normalCdf(3 - shift);
        return 1 / p;
    }

    private static Row shewhart(String rules, int mask, double shift, int runs, long seed, Double published,
            String source) {
        return measure("shewhart", rules, Double.NaN, 3, Double.NaN, Double.NaN, shift, runs, seed, () -> {
            PointHistory h = new PointHistory();
            return x -> {
                h.push(x);
                return RunRules.evaluate(h, 0, 1, mask) != 0;
            };
        }, published, source);
    }

    private static Row measure(String chart, String rules, double lambda, double sigmas, double k, double h,
            double shift, int runs, long seed, java.util.function.Supplier<Chart> fresh, Double published, String source) {
        SplittableRandom random = new SplittableRandom(seed + Double.hashCode(shift) * 31L + chart.hashCode());
        double sum = 0;
        double sumSq = 0;
        for (int r = 0; r < runs; r++) {
            Chart c = fresh.get();
            int n = 0;
            while (n < CAP) {
                n++;
                if (c.signal(shift + StandardNormal.next(random))) {
                    break;
                }
            }
            sum += n;
            sumSq += (double) n * n;
        }
        double mean = sum / runs;
        double sd = Math.sqrt(Math.max(0, sumSq / runs - mean * mean));
        return new Row(chart, rules, lambda, sigmas, k, h, shift, mean, sd / Math.sqrt(runs), runs, published, source);
    }

    /** Mean parts from the start of a linear drift to the first alarm, per detector. */
    private static void driftDelays(int runs, long seed) {
        System.out.println();
        System.out.println("Drift of 0.1 sigma per part starting at part 1 (mean parts to the first alarm):");
        int mask = Rule.westernElectric();
        String[] names = {"shewhart WE1..WE4", "ewma 0.2/2.962", "cusum 0.5/5", "trend (window 20, alpha 0.001)"};
        for (int d = 0; d < names.length; d++) {
            int detector = d;
            SplittableRandom random = new SplittableRandom(seed + 1000 + d);
            double sum = 0;
            for (int r = 0; r < runs; r++) {
                PointHistory history = new PointHistory();
                Ewma ewma = new Ewma(0.2, 2.962);
                ewma.reset(0);
                Cusum cusum = new Cusum(0.5, 5, 0);
                cusum.reset(1);
                TrendDetector trend = new TrendDetector(20, 0.001);
                int n = 0;
                boolean signal = false;
                while (!signal && n < CAP) {
                    n++;
                    double x = 0.1 * n + StandardNormal.next(random);
                    signal = switch (detector) {
                        case 0 -> {
                            history.push(x);
                            yield RunRules.evaluate(history, 0, 1, mask) != 0;
                        }
                        case 1 -> ewma.update(x, 0, 1, 1);
                        case 2 -> cusum.update(x, 0, 1);
                        default -> trend.update(x) != null;
                    };
                }
                sum += n;
            }
            System.out.printf(Locale.ROOT, "  %-32s %8.2f parts%n", names[d], sum / runs);
        }
    }

    private static String toJson(List<Row> rows) {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String rules = "[" + String.join(",", java.util.Arrays.stream(r.rules().split(","))
                    .map(id -> "\"" + id + "\"").toList()) + "]";
            sb.append(String.format(Locale.ROOT,
                    "  {\"chart\": \"%s\", \"rules\": %s, \"lambda\": %s, \"sigmas\": %s, \"k\": %s, \"h\": %s, "
                            + "\"shift\": %s, \"arl\": %s, \"arl_stderr\": %s, \"runs\": %d}",
                    r.chart(), rules, num(r.lambda()), num(r.sigmas()), num(r.k()), num(r.h()), num(r.shift()),
                    num(r.arl()), num(r.stderr()), r.runs()));
            sb.append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        return sb.append("]\n").toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : Double.toString(v);
    }

    private static long number(String[] args, int i) {
        String v = value(args, i);
        try {
            long n = Long.parseLong(v);
            if (n > 0 || args[i - 1].equals("--seed")) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.err.println("spc bench detection: option '" + args[i - 1] + "' needs a positive integer, got '" + v + "'");
        System.exit(2);
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("spc bench detection: option '" + args[i - 1] + "' needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
