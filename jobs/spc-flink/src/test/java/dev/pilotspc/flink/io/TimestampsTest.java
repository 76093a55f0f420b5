package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Event-time text of CONTRACT.md §2: ISO-8601 instants as gauges write them, and epoch milliseconds. */
class TimestampsTest {

    private static final long EXPECTED = Instant.parse("2026-11-24T08:00:01.500Z").getEpochSecond() * 1_000_000_000L
            + 500_000_000L;

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T08:00:01.500Z", "2026-11-24T08:00:01.5Z", "2026-11-24T10:00:01.5+02:00",
        "2026-11-24T10:00:01.500+0200", "2026-11-24T10:00:01.5+02", "2026-11-24 08:00:01.5Z", "2026-11-24t08:00:01,5z",
        "2026-11-24T03:00:01.500000000-05:00", "1795507201500"})
    void readsTheSpellingsOfOneInstant(String text) {
        assertEquals(EXPECTED, Timestamps.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T08:00:01", "2026-11-24", "yesterday", "2026-13-24T08:00:01Z", "1969-12-31T23:59:59Z",
        "2026-02-30T08:00:00Z", "2026-04-31 08:00Z", "2026-11-24T24:00Z", "2026-11-24T08:00:015Z", "2026-11-24T08:00:01250Z",
        "2026-11-2408:00Z", "2026-11-24T08:00:01.,5Z", "2026-11-24T08:00:01ZZ", "2026-11-24T08:00:01+02:00+0200"})
    void rejectsTextThatIsNoInstant(String text) {
        assertThrows(DateTimeException.class, () -> Timestamps.parse(text), text);
    }
}
