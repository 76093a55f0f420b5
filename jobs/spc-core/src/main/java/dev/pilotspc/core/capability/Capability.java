package dev.pilotspc.core.capability;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.Tags;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Erf;

/**
 * Running process capability of one (feature, batch): Welford mean and variance plus out-of-spec
 * counts, turned into Cp/Cpk/Pp/Ppk/Cpm, their 95 % lower bounds and ppm (Montgomery, Introduction
 * to Statistical Quality Control, 7th ed., ch. 8; NIST/SEMATECH e-Handbook 6.1.6). A Flink POJO.
 */
public class Capability {

    /** z_{0.975}: the two-sided 95 % normal quantile. */
    static final double Z_975 = 1.959963984540054;

    // Wilson–Hilferty is within 1e-4 of the exact χ² quantile only from ν ≈ 90 on (7e-4 at ν = 30),
    // so smaller ν use exact quantiles, tabulated once because the exact inverse costs ~50 µs.
    static final int EXACT_CHI2_DF = 99;
    private static final double[] CHI2_025 = new double[EXACT_CHI2_DF + 1];

    // Mills ratio R(z) = Q(z)/φ(z) on a 1/8 grid; Q is then a short Taylor series around the nearest
    // node (Marsaglia 2004, J. Stat. Softw. 11(4)), ~20× faster than commons-math's erfc.
    private static final int MILLS_PER_UNIT = 8;
    private static final double MAX_Z = 37.0; // Q(37) ≈ 6e-301: beyond it ppm is 0 in double
    private static final double[] MILLS = new double[(int) (MAX_Z * MILLS_PER_UNIT) + 2];
    private static final int TAYLOR_TERMS = 10;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    static {
        for (int df = 1; df <= EXACT_CHI2_DF; df++) {
            CHI2_025[df] = new ChiSquaredDistribution(df).inverseCumulativeProbability(0.025);
        }
        for (int i = 0; i < MILLS.length; i++) {
            double z = (double) i / MILLS_PER_UNIT;
            MILLS[i] = 0.5 * Erf.erfc(z / Math.sqrt(2)) / Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
        }
    }

    public long count;
    public double mean;
    /** Sum of squared deviations from the running mean (Welford). */
    public double m2;
    public long belowLsl;
    public long aboveUsl;

    public Capability() {
    }

    /** Welford's update (Welford 1962; Knuth TAOCP vol. 2, 4.2.2): no cancellation at large offsets. */
    public void add(double x, double lsl, double usl) {
        if (!Double.isFinite(x)) {
            return;
        }
        count++;
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
        // NaN limits compare false, so an absent limit never counts.
        if (x < lsl) {
            belowLsl++;
        } else if (x > usl) {
            aboveUsl++;
        }
    }

    /**
     * Capability after the measurements so far, or null below two; {@code sigmaWithin} is the chart's
     * estimate (NaN while unknown: within indices NaN). NaN or infinite limits / target are absent.
     */
    public CapabilityResult result(long tsNanos, Tags tags, double sigmaWithin, double target,
                                   double lsl, double usl) {
        if (count < 2) {
            return null;
        }
        boolean hasLsl = Double.isFinite(lsl);
        boolean hasUsl = Double.isFinite(usl);
        double sigmaOverall = Math.sqrt(Math.max(m2, 0) / (count - 1));

        // Within (short-term) indices: Montgomery, Introduction to SQC, ch. 8 (Cp, Cpu, Cpl, Cpk).
        // Absent indices are NaN (a missing limit or an unusable sigma); present ones are finite.
        double cpu = hasUsl ? upperIndex(usl, sigmaWithin) : Double.NaN;
        double cpl = hasLsl ? lowerIndex(lsl, sigmaWithin) : Double.NaN;
        double cp = hasLsl && hasUsl ? ratio(usl - lsl, 6 * sigmaWithin) : Double.NaN;
        double cpk = min(cpu, cpl);
        // Overall (long-term) indices: the same with the sample standard deviation (Montgomery ch. 8, Pp/Ppk).
        double pp = hasLsl && hasUsl ? ratio(usl - lsl, 6 * sigmaOverall) : Double.NaN;
        double ppk = min(hasUsl ? upperIndex(usl, sigmaOverall) : Double.NaN,
                hasLsl ? lowerIndex(lsl, sigmaOverall) : Double.NaN);
        // Cpm = (USL − LSL) / 6√(σ² + (µ − T)²): Chan, Cheng & Spiring 1988; Kotz & Johnson 1993.
        double cpm = hasLsl && hasUsl && Double.isFinite(target) && usable(sigmaWithin)
                ? ratio(usl - lsl, 6 * Math.hypot(sigmaWithin, mean - target)) : Double.NaN;

        return new CapabilityResult(tsNanos, tags, count, mean, Double.isFinite(sigmaWithin) ? sigmaWithin : Double.NaN,
                sigmaOverall, cp, cpk, cpu, cpl, pp, ppk, cpm,
                Double.isNaN(cp) ? Double.NaN : cpLowerBound(cp, count),
                Double.isNaN(cpk) ? Double.NaN : bissellLowerBound(cpk, count),
                Double.isNaN(ppk) ? Double.NaN : bissellLowerBound(ppk, count),
                ppmExpected(sigmaOverall, lsl, usl),
                1e6 * (belowLsl + aboveUsl) / count,
                sigmaWithin >= 0 && Double.isFinite(sigmaWithin) ? ppmExpected(sigmaWithin, lsl, usl) : Double.NaN);
    }

    /** Lower end of the two-sided 95 % interval Ĉp·√(χ²_{0.025,n−1}/(n−1)) (Montgomery ch. 8; NIST 6.1.6). */
    public static double cpLowerBound(double cp, long n) {
        return cp * Math.sqrt(chiSquare025(n - 1) / (n - 1));
    }

    /** Bissell's lower end Ĉ − z_{0.975}√(1/(9n) + Ĉ²/(2(n−1))) (Bissell 1990, Applied Statistics 39(3)). */
    public static double bissellLowerBound(double index, long n) {
        return index - Z_975 * Math.sqrt(1.0 / (9.0 * n) + index * index / (2.0 * (n - 1)));
    }

    /** χ²_{0.025,ν}: exact for ν < 100, else Wilson–Hilferty 1931 (relative error < 8e-5). */
    static double chiSquare025(long df) {
        if (df <= EXACT_CHI2_DF) {
            return CHI2_025[(int) df];
        }
        double h = 2.0 / (9.0 * df);
        double c = 1 - h - Z_975 * Math.sqrt(h);
        return df * c * c * c;
    }

    /**
     * Expected ppm outside the limits under a normal model, 1e6·(Φ((LSL−µ)/σ) + 1 − Φ((USL−µ)/σ))
     * (NIST e-Handbook 6.1.6; Montgomery ch. 8); σ = 0 is a point mass, in spec when on a limit.
     */
    private double ppmExpected(double sigma, double lsl, double usl) {
        double p = 0;
        if (Double.isFinite(lsl)) {
            p += tail(mean - lsl, sigma);
        }
        if (Double.isFinite(usl)) {
            p += tail(usl - mean, sigma);
        }
        return 1e6 * p;
    }

    /** Probability a normal(0, σ) value lies more than {@code margin} beyond the mean. */
    private static double tail(double margin, double sigma) {
        if (sigma > 0 && Double.isFinite(sigma)) {
            return upperTail(margin / sigma);
        }
        return margin < 0 ? 1 : 0;
    }

    /** Q(z) = 1 − Φ(z) via the tabulated Mills ratio (Marsaglia 2004); relative error < 1e-13 for z ≤ 10. */
    static double upperTail(double z) {
        if (z < 0) {
            return 1 - upperTail(-z);
        }
        if (z > MAX_Z) {
            return 0;
        }
        int i = (int) (z * MILLS_PER_UNIT + 0.5);
        double a = (double) i / MILLS_PER_UNIT;
        double h = z - a;
        // R' = zR − 1 and R⁽ᵏ⁾ = z R⁽ᵏ⁻¹⁾ + (k−1) R⁽ᵏ⁻²⁾ give the Taylor coefficients at the node a.
        double dPrev = MILLS[i];
        double d = a * dPrev - 1;
        double coef = h;
        double sum = dPrev + h * d;
        for (int k = 2; k <= TAYLOR_TERMS; k++) {
            double next = a * d + (k - 1) * dPrev;
            dPrev = d;
            d = next;
            coef *= h / k;
            sum += coef * d;
        }
        return sum * Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    }

    private double upperIndex(double usl, double sigma) {
        return ratio(usl - mean, 3 * sigma);
    }

    private double lowerIndex(double lsl, double sigma) {
        return ratio(mean - lsl, 3 * sigma);
    }

    private static boolean usable(double sigma) {
        return sigma > 0 && Double.isFinite(sigma);
    }

    /** num/den, or NaN (absent) where the result would be NaN or infinite. */
    private static double ratio(double num, double den) {
        double r = num / den;
        return den > 0 && Double.isFinite(r) ? r : Double.NaN;
    }

    /** The smaller of two indices, ignoring an absent (NaN) one; NaN when both are absent. */
    private static double min(double a, double b) {
        if (Double.isNaN(a)) {
            return b;
        }
        return Double.isNaN(b) || a <= b ? a : b;
    }
}
