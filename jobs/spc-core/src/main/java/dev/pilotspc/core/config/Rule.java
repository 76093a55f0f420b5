package dev.pilotspc.core.config;

/**
 * Rule ids reported in results: Western Electric (Statistical Quality Control Handbook, 1956),
 * Nelson (JQT 16(4), 1984), the AIAG SPC manual's run of 7, the dispersion chart's limit (D1),
 * EWMA and CUSUM signals and the Q chart's 3-sigma test.
 */
public enum Rule {
    WE1("1 point beyond 3 sigma"),
    WE2("2 of 3 points beyond 2 sigma on one side"),
    WE3("4 of 5 points beyond 1 sigma on one side"),
    WE4("8 points in a row on one side of the centre line"),
    N1("1 point beyond 3 sigma"),
    N2("9 points in a row on one side of the centre line"),
    N3("6 points in a row steadily increasing or decreasing"),
    N4("14 points in a row alternating up and down"),
    N5("2 of 3 points beyond 2 sigma on one side"),
    N6("4 of 5 points beyond 1 sigma on one side"),
    N7("15 points in a row within 1 sigma of the centre line"),
    N8("8 points in a row beyond 1 sigma, none within"),
    A2("7 points in a row on one side of the centre line"),
    D1("dispersion beyond its control limits"),
    EWMA("EWMA beyond its control limits"),
    CUSUM("CUSUM beyond its decision interval"),
    Q1("Q statistic beyond 3");

    /** Rules that can be selected for the X / X-bar chart. */
    public static final int RUN_RULES_MASK;

    // values() clones its array on every call, and ids() runs for every out-of-control point.
    private static final Rule[] VALUES = values();

    static {
        int mask = 0;
        for (Rule r : VALUES) {
            if (r.isRunRule()) {
                mask |= r.bit();
            }
        }
        RUN_RULES_MASK = mask;
    }

    private final String description;

    Rule(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public int bit() {
        return 1 << ordinal();
    }

    public boolean isRunRule() {
        return ordinal() <= A2.ordinal();
    }

    public boolean in(int mask) {
        return (mask & bit()) != 0;
    }

    /** Western Electric rules 1-4. */
    public static int westernElectric() {
        return WE1.bit() | WE2.bit() | WE3.bit() | WE4.bit();
    }

    /** Nelson's eight tests. */
    public static int nelson() {
        return N1.bit() | N2.bit() | N3.bit() | N4.bit() | N5.bit() | N6.bit() | N7.bit() | N8.bit();
    }

    /**
     * The AIAG SPC manual (2nd ed., 2005) summary of special-cause criteria: Nelson's tests with a
     * run of 7 (not 9) points on one side of the centre line.
     */
    public static int aiag() {
        return (nelson() & ~N2.bit()) | A2.bit();
    }

    /** Comma-separated ids of the rules in a mask, in declaration order; empty for none. */
    public static String ids(int mask) {
        if (mask == 0) {
            return "";
        }
        int lowest = Integer.numberOfTrailingZeros(mask);
        if (mask == 1 << lowest && lowest < VALUES.length) {
            return VALUES[lowest].name(); // one rule, the usual case: no builder
        }
        StringBuilder sb = new StringBuilder();
        for (Rule r : VALUES) {
            if (r.in(mask)) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(r.name());
            }
        }
        return sb.toString();
    }

    public static Rule fromId(String id) {
        for (Rule r : VALUES) {
            if (r.name().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
