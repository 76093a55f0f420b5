package dev.pilotspc.core.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** Quesenberry (1991), "SPC Q charts for start-up processes and short or long runs", JQT 23(3). */
class QStatisticTest {

    private static final NormalDistribution N01 = new NormalDistribution();

    @Test
    void thirdIndividualUsesTheCauchyTransform() {
        // With r = 3 the t distribution has 1 degree of freedom (Cauchy): G(t) = 1/2 + atan(t)/π
        QStatistic q = new QStatistic();
        assertTrue(Double.isNaN(q.updateIndividual(10)));
        assertTrue(Double.isNaN(q.updateIndividual(12)));
        double t = Math.sqrt(2.0 / 3.0) * (14 - 11) / Math.sqrt(2);
        double expected = N01.inverseCumulativeProbability(0.5 + Math.atan(t) / Math.PI);
        assertEquals(expected, q.updateIndividual(14), 1e-9);
    }

    @Test
    void subgroupQUsesPooledVarianceThroughTheCurrentSubgroup() {
        QStatistic q = new QStatistic();
        assertTrue(Double.isNaN(q.updateSubgroup(subgroup(10, 4), 5)));
        // second subgroup: N1 = 5, N2 = 10, pooled variance (4·4 + 4·1)/8 = 2.5 with 8 df
        double t = Math.sqrt(5.0 * 5 / 10) * (11 - 10) / Math.sqrt(2.5);
        double p = new org.apache.commons.math3.distribution.TDistribution(8).cumulativeProbability(t);
        assertEquals(N01.inverseCumulativeProbability(p), q.updateSubgroup(subgroup(11, 1), 5), 1e-9);
    }

    @Test
    void readingsAllAlikeHaveNoSpread() {
        // 6 × 25.4 as doubles sums to 152.39999999999998: a mean one ulp off 25.4 gave S = 3.5e-15
        double[] alike = {25.4, 25.4, 25.4, 25.4, 25.4, 25.4};
        assertEquals(0.0, QStatistic.variance(alike, 6));
        assertEquals(0.0, Dispersion.ofSubgroup(dev.pilotspc.core.config.ChartType.XBAR_S, alike, 6));
        // no pooled within-subgroup variance yet: Q is undefined, not 0
        QStatistic q = new QStatistic();
        assertTrue(Double.isNaN(q.updateSubgroup(alike, 6)));
        assertTrue(Double.isNaN(q.updateSubgroup(alike, 6)));
    }

    /** Five values with this mean and sample variance: mean + c·(−2, −1, 0, 1, 2), 10c²/4 = variance. */
    private static double[] subgroup(double mean, double variance) {
        double c = Math.sqrt(variance * 4 / 10);
        return new double[] {mean - 2 * c, mean - c, mean, mean + c, mean + 2 * c};
    }

    @Test
    void qKeepsItsDigitsFarFromZero() {
        // the same readings at 1e6 and less 1e6 (exact: Sterbenz) give the same Q statistics
        Random random = new Random(5);
        QStatistic far = new QStatistic();
        QStatistic near = new QStatistic();
        for (int i = 0; i < 200; i++) {
            double x = 1e6 + 1e-4 * random.nextGaussian();
            double a = far.updateIndividual(x);
            double b = near.updateIndividual(x - 1e6);
            assertEquals(b, a, 1e-9 * (1 + (Double.isNaN(b) ? 0 : Math.abs(b))), "individual " + i);
        }
    }

    @Test
    void subgroupsFarFromZeroKeepTheirMeansDigits() {
        // means of 1e6 ± 1e-3 rounded to a double lose ~1e-10, 1e-7 of a spread of 7e-4: the
        // subgroup's values give Q as if the data were near zero
        java.util.Random random = new java.util.Random(5);
        QStatistic far = new QStatistic();
        QStatistic near = new QStatistic();
        for (int i = 0; i < 100; i++) {
            double[] values = new double[5];
            double[] shifted = new double[5];
            for (int j = 0; j < 5; j++) {
                values[j] = 1e6 + 7e-4 * random.nextGaussian();
                shifted[j] = values[j] - 1e6;
            }
            double a = far.updateSubgroup(values, 5);
            double b = near.updateSubgroup(shifted, 5);
            assertEquals(b, a, 1e-11 * (1 + (Double.isNaN(b) ? 0 : Math.abs(b))), "subgroup " + i);
        }
    }

    @Test
    void qStaysExactFarInTheTails() {
        // exact values from 50-digit arithmetic (mpmath): Q_11 for ten in-control values then an outlier
        double[] history = {10.01, 9.98, 10.02, 9.99, 10.00, 10.03, 9.97, 10.01, 9.99, 10.00};
        double[][] outlierAndQ = {{10.8, 6.77023712318296}, {9.2, -6.77023712318296}, {14.0, 8.61962857378317},
            {6.0, -8.61962857378317}};
        for (double[] c : outlierAndQ) {
            QStatistic q = new QStatistic();
            for (double x : history) {
                q.updateIndividual(x);
            }
            assertEquals(c[1], q.updateIndividual(c[0]), 1e-12 * Math.abs(c[1]), "x = " + c[0]);
        }
    }

    @Test
    void qKeepsItsDigitsNearZero() {
        // A reading close to the running mean (common with gauge data: many readings one resolution
        // step from the mean) gives a small t; 1 − G(t) taken from I_{ν/(ν+t²)}(ν/2, 1/2) loses the digits
        // of ν/(ν+t²) (a double near 1), 5e-9 relative at t ≈ 1e-3 with ν = 376, 1e-7 here. Exact values of
        // Quesenberry's (1991) Q_11 from 50-digit arithmetic (mpmath, t CDF from I_{t²/(ν+t²)}(1/2, ν/2)).
        double[] history = {10.01, 9.98, 10.02, 9.99, 10.00, 10.03, 9.97, 10.01, 9.99, 10.00};
        double[][] readingAndQ = {{10.000001, 5.0795473902972016e-5}, {10.00001, 0.00050795473561805014},
            {9.9999, -0.0050795435837735567}, {10.001, 0.050791663867041419}, {10.005, 0.25350296929719956},
            {10.018, 0.89319945499929793}, {9.982, -0.89319945499929793}, {10.0195, 0.96388731452661516}};
        for (double[] c : readingAndQ) {
            QStatistic q = new QStatistic();
            for (double x : history) {
                q.updateIndividual(x);
            }
            assertEquals(c[1], q.updateIndividual(c[0]), 1e-12 * Math.abs(c[1]), "x = " + c[0]);
        }
    }

    @Test
    void upperNormalQuantileIsExactFromTheCentreToFarTails() {
        // 1 − Φ(z) = p, 50-digit reference values (mpmath)
        double[][] pAndZ = {{0.5, 0}, {0.3, 0.52440051270804078}, {1e-5, 4.2648907939228246}, {1e-12, 7.0344838253011319},
            {1e-20, 9.2623400897984076}, {1e-200, 30.205594179579643}};
        for (double[] c : pAndZ) {
            assertEquals(c[1], QStatistic.upperNormalQuantile(c[0]), 1e-14 * Math.max(1, c[1]), "p = " + c[0]);
        }
    }

    @Test
    void qValuesOfNormalDataAreStandardNormal() {
        Random random = new Random(42);
        QStatistic q = new QStatistic();
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (int i = 0; i < 4000; i++) {
            double v = q.updateIndividual(25 + 3 * random.nextGaussian());
            if (!Double.isNaN(v)) {
                sum += v;
                sumSq += v * v;
                count++;
            }
        }
        double mean = sum / count;
        double variance = sumSq / count - mean * mean;
        assertEquals(0, mean, 0.06); // 4 standard errors of a mean of 4000 N(0,1)
        assertEquals(1, variance, 0.09);
    }

    @Test
    void qIsInvariantToLocationAndScale() {
        QStatistic a = new QStatistic();
        QStatistic b = new QStatistic();
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            double x = random.nextGaussian();
            double qa = a.updateIndividual(x);
            double qb = b.updateIndividual(1000 + 0.01 * x);
            if (!Double.isNaN(qa)) {
                assertEquals(qa, qb, 1e-6);
            }
        }
    }
}
