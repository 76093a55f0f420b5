package dev.pilotspc.core.bench;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.Measurement;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.result.SpcResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./spc bench core}: per-point cost of the feature monitor (I-MR, Western Electric rules,
 * EWMA, CUSUM, capability and drift all on), as the median over timed rounds after warm-up rounds.
 */
public final class CoreBenchmark {

    private static final String USAGE = String.join("\n",
            "Usage: ./spc bench core [--points N] [--rounds R] [--warmup W] [--features F] [--seed S]",
            "  --points N    measurements per round (default 2000000)",
            "  --rounds R    timed rounds, at least 5 (default 7)",
            "  --warmup W    untimed warm-up rounds (default 3)",
            "  --features F  features the points are spread over, round-robin (default 100)",
            "  --seed S      random seed of the generated data (default 1)",
            "Prints one line per round, then: ns_per_point=<median> points=<N>");

    private CoreBenchmark() {
    }

    public static void main(String[] args) {
        int points = 2_000_000;
        int rounds = 7;
        int warmup = 3;
        int features = 100;
        long seed = 1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    case "--points" -> points = atLeast(1, args, ++i);
                    case "--rounds" -> rounds = atLeast(1, args, ++i);
                    case "--warmup" -> warmup = atLeast(0, args, ++i);
                    case "--features" -> features = atLeast(1, args, ++i);
                    case "--seed" -> {
                        String v = value(args, ++i);
                        try {
                            seed = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("option '--seed' needs an integer, got '" + v + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (rounds < 5) {
                throw new IllegalArgumentException("--rounds must be at least 5 for a median");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("spc bench core: " + e.getMessage() + " (see --help)");
            System.exit(2);
        }

        double[] values = generate(points, seed);
        long[] nanos = new long[rounds];
        long sink = 0;
        for (int r = -warmup; r < rounds; r++) {
            FeatureMonitor[] monitors = monitors(features);
            List<SpcResult> out = new ArrayList<>(16);
            long start = System.nanoTime();
            for (int i = 0; i < points; i++) {
                FeatureMonitor monitor = monitors[i % features];
                monitor.update(new Measurement(1_764_000_000_000_000_000L + i * 1_000_000L, monitor.config.feature,
                        "B1", values[i], null, null, null, null, null, null), out);
                sink += out.size();
                out.clear();
            }
            long elapsed = System.nanoTime() - start;
            if (r >= 0) {
                nanos[r] = elapsed;
                System.out.printf(Locale.ROOT, "round %d: %.1f ns/point%n", r + 1, (double) elapsed / points);
            }
        }
        Arrays.sort(nanos);
        long median = Math.round((double) nanos[rounds / 2] / points);
        System.out.printf(Locale.ROOT, "results per point: %.2f%n", (double) sink / ((double) (rounds + warmup) * points));
        System.out.println("ns_per_point=" + median + " points=" + points);
    }

    /** In-control N(10, 0.02) with 0.5 % outliers at 4 sigma, so rules and alarms also do work. */
    private static double[] generate(int points, long seed) {
        Random random = new Random(seed);
        double[] values = new double[points];
        for (int i = 0; i < points; i++) {
            double z = random.nextGaussian();
            if (random.nextInt(200) == 0) {
                z += 4;
            }
            values[i] = 10 + 0.02 * z;
        }
        return values;
    }

    private static FeatureMonitor[] monitors(int features) {
        FeatureMonitor[] monitors = new FeatureMonitor[features];
        for (int f = 0; f < features; f++) {
            FeatureConfig c = new FeatureConfig();
            c.feature = "bench.feature_" + f;
            c.lsl = 9.9;
            c.usl = 10.1;
            c.target = 10;
            c.rules = Rule.westernElectric();
            c.ewmaLambda = 0.2;
            c.ewmaSigmas = 2.962;
            c.cusumK = 0.5;
            c.cusumH = 5;
            monitors[f] = new FeatureMonitor(c);
        }
        return monitors;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option '" + args[i - 1] + "' needs a value");
        }
        return args[i];
    }

    private static int atLeast(int min, String[] args, int i) {
        String v = value(args, i);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option '" + args[i - 1] + "' needs an integer of at least " + min + ", got '" + v + "'");
    }
}
