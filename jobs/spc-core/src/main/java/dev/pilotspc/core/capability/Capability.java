package dev.pilotspc.core.capability;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.Tags;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.special.Gamma;

/**
 * Running process capability of one (feature, batch): Welford mean and variance plus out-of-spec
 * counts, turned into Cp/Cpk/Pp/Ppk/Cpm, their 95 % lower bounds and ppm (Montgomery, Introduction
 * to Statistical Quality Control, 7th ed., ch. 8; NIST/SEMATECH e-Handbook 6.1.6). A Flink POJO.
 */
public class Capability {

    /** z_{0.975}: the two-sided 95 % normal quantile. */
    static final double Z_975 = 1.959963984540054;

    // χ²_{0.025,ν} to within ~1e-13 (relative): tabulated below ν = 100 (the inverse by root
    // finding costs ~0.5 ms); above, Wilson–Hilferty (relative error 8e-5 at ν = 100, 4e-11 at 10⁶)
    // refined by Newton steps on the regularized gamma function, ~10–20 µs, so each ν is
    // remembered: the charts of a batch reach the same ν together. Beyond 10⁶ Wilson–Hilferty alone.
    static final int CHI2_TABLE_DF = 99;
    private static final double[] CHI2_025 = new double[CHI2_TABLE_DF + 1];
    static final long CHI2_NEWTON_MAX_DF = 1_000_000;
    private static final int CHI2_CACHE_SIZE = 1 << 16;
    private static final ChiSquareQuantile[] CHI2_CACHE = new ChiSquareQuantile[CHI2_CACHE_SIZE];

    // Mills ratio R(z) = Q(z)/φ(z) on a 1/8 grid; Q is then a short Taylor series around the nearest
    // node (Marsaglia 2004, J. Stat. Softw. 11(4)), ~20× faster than commons-math's erfc.
    private static final int MILLS_PER_UNIT = 8;
    private static final double MAX_Z = 37.0; // Q(37) ≈ 6e-301: beyond it ppm is 0 in double
    private static final double[] MILLS = new double[(int) (MAX_Z * MILLS_PER_UNIT) + 2];
    private static final int TAYLOR_TERMS = 10;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    static {
        for (int df = 1; df <= CHI2_TABLE_DF; df++) {
            // the default solver accuracy (1e-9 absolute) leaves relative errors up to 6e-10
            CHI2_025[df] = new ChiSquaredDistribution(null, df, 1e-17).inverseCumulativeProbability(0.025);
        }
        for (int i = 0; i < MILLS.length; i++) {
            double z = (double) i / MILLS_PER_UNIT;
            MILLS[i] = 0.5 * Erf.erfc(z / Math.sqrt(2)) / Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
        }
    }

    public long count;
    /**
     * The first measurement: the sums are kept for x − origin, so a mean far from zero compared
     * with the spread costs no digits (at 1e6 ± 1e-4 Welford on x itself loses six). 0 in state
     * saved before this field existed, whose mean is of x itself.
     */
    public double origin;
    /** Mean of x − origin. */
    public double mean;
    /** Sum of squared deviations from the running mean (Welford). */
    public double m2;
    public long belowLsl;
    public long aboveUsl;

    public Capability() {
    }

    /** Welford's update (Welford 1962; Knuth TAOCP vol. 2, 4.2.2) of x − origin: no cancellation at large offsets. */
    public void add(double x, double lsl, double usl) {
        if (!Double.isFinite(x)) {
            return;
        }
        if (count == 0) {
            origin = x;
        }
        count++;
        double d = x - origin;
        double delta = d - mean;
        mean += delta / count;
        m2 += delta * (d - mean);
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
                ? ratio(usl - lsl, 6 * Math.hypot(sigmaWithin, above(target))) : Double.NaN;

        return new CapabilityResult(tsNanos, tags, count, origin + mean, Double.isFinite(sigmaWithin) ? sigmaWithin : Double.NaN,
                sigmaOverall, cp, cpk, cpu, cpl, pp, ppk, cpm,
                Double.isNaN(cp) ? Double.NaN : cpLowerBound(cp, count),
                Double.isNaN(cpk) ? Double.NaN : bissellLowerBound(cpk, count),
                Double.isNaN(ppk) ? Double.NaN : bissellLowerBound(ppk, count),
                // fractions out of spec need a spec: absent (not 0) without either limit
                hasLsl || hasUsl ? ppmExpected(sigmaOverall, lsl, usl) : Double.NaN,
                hasLsl || hasUsl ? 1e6 * (belowLsl + aboveUsl) / count : Double.NaN,
                (hasLsl || hasUsl) && sigmaWithin >= 0 && Double.isFinite(sigmaWithin) ? ppmExpected(sigmaWithin, lsl, usl)
                        : Double.NaN);
    }

    /** Lower end of the two-sided 95 % interval Ĉp·√(χ²_{0.025,n−1}/(n−1)) (Montgomery ch. 8; NIST 6.1.6). */
    public static double cpLowerBound(double cp, long n) {
        return cp * Math.sqrt(chiSquare025(n - 1) / (n - 1));
    }

    /** Bissell's lower end Ĉ − z_{0.975}√(1/(9n) + Ĉ²/(2(n−1))) (Bissell 1990, Applied Statistics 39(3)). */
    public static double bissellLowerBound(double index, long n) {
        return index - Z_975 * Math.sqrt(1.0 / (9.0 * n) + index * index / (2.0 * (n - 1)));
    }

    /** χ²_{0.025,ν}, the lower 2.5 % point of the χ² distribution with ν degrees of freedom. */
    static double chiSquare025(long df) {
        if (df <= CHI2_TABLE_DF) {
            return CHI2_025[(int) df];
        }
        if (df > CHI2_NEWTON_MAX_DF) {
            return wilsonHilferty025(df);
        }
        int slot = (int) (df & (CHI2_CACHE_SIZE - 1));
        ChiSquareQuantile known = CHI2_CACHE[slot]; // immutable: safe to share between threads
        if (known != null && known.df == df) {
            return known.quantile;
        }
        double quantile = newtonChiSquare025(df);
        CHI2_CACHE[slot] = new ChiSquareQuantile(df, quantile);
        return quantile;
    }

    private record ChiSquareQuantile(long df, double quantile) {
    }

    /** Wilson & Hilferty 1931: (χ²/ν)^(1/3) is nearly normal with mean 1 − 2/(9ν) and variance 2/(9ν). */
    private static double wilsonHilferty025(long df) {
        double h = 2.0 / (9.0 * df);
        double c = 1 - h - Z_975 * Math.sqrt(h);
        return df * c * c * c;
    }

    /**
     * Newton's method on F(x) = P(ν/2, x/2) − 0.025 from Wilson–Hilferty: two or three steps, until a
     * step is below 1e-13·x (about the noise of P's series at large ν) or stops shrinking.
     */
    static double newtonChiSquare025(long df) {
        double a = df / 2.0;
        double logNormalizer = Gamma.logGamma(a) + a * Math.log(2);
        double x = wilsonHilferty025(df);
        double previousStep = Double.POSITIVE_INFINITY;
        for (int step = 0; step < 8; step++) {
            double cdf = Gamma.regularizedGammaP(a, x / 2, 1e-16, Integer.MAX_VALUE);
            double density = Math.exp((a - 1) * Math.log(x) - x / 2 - logNormalizer);
            double delta = (cdf - 0.025) / density;
            if (Math.abs(delta) >= previousStep) {
                break; // rounding noise: the previous x is as good as it gets
            }
            x -= delta;
            if (Math.abs(delta) <= 1e-13 * x) {
                break;
            }
            previousStep = Math.abs(delta);
        }
        return x;
    }

    /**
     * Expected ppm outside the limits under a normal model, 1e6·(Φ((LSL−µ)/σ) + 1 − Φ((USL−µ)/σ))
     * (NIST e-Handbook 6.1.6; Montgomery ch. 8); σ = 0 is a point mass, in spec when on a limit.
     */
    private double ppmExpected(double sigma, double lsl, double usl) {
        double p = 0;
        if (Double.isFinite(lsl)) {
            p += tail(above(lsl), sigma);
        }
        if (Double.isFinite(usl)) {
            p += tail(-above(usl), sigma);
        }
        return 1e6 * p;
    }

    /** Probability a normal(0, σ) value lies more than {@code margin} beyond the mean. */
    private static double tail(double margin, double sigma) {
        if (usable(sigma)) {
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
        return ratio(-above(usl), 3 * sigma);
    }

    private double lowerIndex(double lsl, double sigma) {
        return ratio(above(lsl), 3 * sigma);
    }

    /** µ − v, from the shifted mean without rounding µ first. */
    private double above(double v) {
        return mean - (v - origin);
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
