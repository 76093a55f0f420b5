package dev.pilotspc.core.result;

import dev.pilotspc.core.Measurement;
import java.util.Objects;

/** The tags every result carries: feature, batch, and line and station where the measurement had them. */
public record Tags(String feature, String batch, String line, String station) {

    public static Tags of(Measurement m) {
        return new Tags(m.feature(), m.batch(), m.line(), m.station());
    }

    /** Whether these are the tags of {@code m}. */
    public boolean sameAs(Measurement m) {
        return Objects.equals(feature, m.feature()) && Objects.equals(batch, m.batch()) && Objects.equals(line, m.line())
                && Objects.equals(station, m.station());
    }
}
