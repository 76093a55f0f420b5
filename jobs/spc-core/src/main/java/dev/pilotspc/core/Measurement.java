package dev.pilotspc.core;

/**
 * One gauge reading (CONTRACT.md §2) as the engine sees it: event time in epoch nanoseconds, the
 * value, and the optional identifiers and context carried onto results.
 */
public record Measurement(
        long tsNanos,
        String feature,
        String batch,
        double value,
        String part,
        String subgroup,
        String line,
        String station,
        String gauge,
        String operator) {

    public Measurement withPart(String newPart) {
        return new Measurement(tsNanos, feature, batch, value, newPart, subgroup, line, station, gauge, operator);
    }

    public Measurement withSubgroup(String newSubgroup) {
        return new Measurement(tsNanos, feature, batch, value, part, newSubgroup, line, station, gauge, operator);
    }
}
