package dev.pilotspc.core.config;

/** The Shewhart chart pair kept for a feature: individuals + moving range, or subgroup mean + range / s. */
public enum ChartType {
    IMR("imr"),
    XBAR_R("xbar_r"),
    XBAR_S("xbar_s");

    private final String id;

    ChartType(String id) {
        this.id = id;
    }

    /** The id used in definitions and in the {@code chart} tag of results. */
    public String id() {
        return id;
    }

    public static ChartType fromId(String id) {
        for (ChartType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
