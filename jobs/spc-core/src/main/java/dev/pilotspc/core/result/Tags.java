package dev.pilotspc.core.result;

import dev.pilotspc.core.Measurement;

/** The tags every result carries: feature, batch, and line and station where the measurement had them. */
public record Tags(String feature, String batch, String line, String station) {

    public static Tags of(Measurement m) {
        return new Tags(m.feature(), m.batch(), m.line(), m.station());
    }
}
