package dev.pilotspc.core.drift;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;

/** Seeded run-length simulation on N(0, 1) data for the detectors' calibration tests. */
final class Calibration {

    /** In-control parts before the change: the trend window is full and Page-Hinkley has a mean. */
    static final int WARM_UP = 50;

    interface Detector {
        boolean alarms(double x);
    }

    private Calibration() {
    }

    /** Mean points to the first alarm; runs reaching {@code cap} count as cap (a lower bound). */
    static double inControlArl(Supplier<Detector> factory, int runs, int cap, long seed) {
        Random rnd = new Random(seed);
        long total = 0;
        for (int r = 0; r < runs; r++) {
            Detector d = factory.get();
            int t = 0;
            while (t < cap && !d.alarms(rnd.nextGaussian())) {
                t++;
            }
            total += Math.min(t + 1, cap);
        }
        return (double) total / runs;
    }

    /**
     * Mean parts from the start of a mean change {@code shift(k)} (k = 1, 2, … after {@link
     * #WARM_UP} in-control parts) to the first alarm; runs with a false alarm in the warm-up are
     * dropped.
     */
    static double meanDelay(Supplier<Detector> factory, int runs, IntToDoubleFunction shift, long seed) {
        Random rnd = new Random(seed);
        long total = 0;
        int detected = 0;
        run:
        for (int r = 0; r < runs; r++) {
            Detector d = factory.get();
            for (int t = 0; t < WARM_UP; t++) {
                if (d.alarms(rnd.nextGaussian())) {
                    continue run;
                }
            }
            for (int k = 1; k <= 10_000; k++) {
                if (d.alarms(rnd.nextGaussian() + shift.applyAsDouble(k))) {
                    total += k;
                    detected++;
                    continue run;
                }
            }
        }
        return (double) total / detected;
    }
}
