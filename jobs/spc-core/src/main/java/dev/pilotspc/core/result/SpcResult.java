package dev.pilotspc.core.result;

/** A result of the engine, one of the InfluxDB measurements of CONTRACT.md §4. */
public sealed interface SpcResult
        permits PointResult, LimitsResult, ViolationResult, CapabilityResult, DriftResult, StatusResult,
                ReadinessResult {

    /** Event time of the measurement (for a subgroup: its last one), epoch nanoseconds. */
    long tsNanos();

    Tags tags();

    /** The InfluxDB measurement name, e.g. {@code spc_point}. */
    String measurement();
}
