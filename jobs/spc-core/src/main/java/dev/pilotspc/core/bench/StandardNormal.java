package dev.pilotspc.core.bench;

import java.util.SplittableRandom;

/** N(0, 1) variates from a SplittableRandom (Marsaglia's polar method; Java 17's has no nextGaussian). */
public final class StandardNormal {

    private StandardNormal() {
    }

    public static double next(SplittableRandom random) {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
