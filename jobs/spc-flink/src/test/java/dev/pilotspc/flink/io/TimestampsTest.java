package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
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

    @Test
    void namesWhatIsWrongWithATimestampInTheWritersTerms() {
        DateTimeException local = assertThrows(DateTimeException.class, () -> Timestamps.parse("2026-11-24 08:00:04"));
        assertEquals("'2026-11-24 08:00:04' has no zone offset: add Z (UTC) or +hh:mm, the instant would be a guess",
                local.getMessage());
        DateTimeException garbage = assertThrows(DateTimeException.class, () -> Timestamps.parse("24.11.2026 08:00"));
        assertEquals("'24.11.2026 08:00' is neither epoch milliseconds nor an ISO-8601 instant (e.g. 2026-11-24T08:00:01.250Z)",
                garbage.getMessage());
    }

    @Test
    void isoTextIsInstantsText() {
        Random random = new Random(11);
        long[] fixed = {0, 1, 999_999_999, 1_000_000, 1_000, -1, Long.MIN_VALUE, Long.MAX_VALUE};
        for (long nanos : fixed) {
            assertEquals(instantText(nanos), Timestamps.iso(nanos), "nanos " + nanos);
        }
        for (int i = 0; i < 20_000; i++) {
            long nanos = random.nextLong();
            switch (i % 4) {
                case 0 -> nanos = nanos / 1_000_000 * 1_000_000; // milliseconds
                case 1 -> nanos = nanos / 1000 * 1000; // microseconds
                case 2 -> nanos = nanos / 1_000_000_000 * 1_000_000_000; // whole seconds
                default -> { }
            }
            assertEquals(instantText(nanos), Timestamps.iso(nanos), "nanos " + nanos);
            long recent = 1_700_000_000_000_000_000L + (random.nextLong() & 0xFFFF_FFFF_FFFFL);
            assertEquals(instantText(recent), Timestamps.iso(recent), "nanos " + recent);
        }
    }

    private static String instantText(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    @Test
    void isoTextFollowsTimeSecondBySecond() {
        // the text up to the seconds is kept per second: a walk forward (as a stream's alerts come)
        // crosses every kind of boundary, from the next second to the next year
        Random random = new Random(3);
        long nanos = Instant.parse("2026-12-31T23:58:30Z").getEpochSecond() * 1_000_000_000L;
        for (int i = 0; i < 5000; i++) {
            nanos += (long) (random.nextDouble() * 1.5e9);
            assertEquals(instantText(nanos), Timestamps.iso(nanos), "nanos " + nanos);
            assertEquals(instantText(nanos), Timestamps.iso(nanos), "again, from the kept second: " + nanos);
        }
    }

    @Test
    void isoTextIsRightFromManyThreads() throws Exception {
        long base = Instant.parse("2026-11-30T08:00:00Z").getEpochSecond() * 1_000_000_000L;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                runs.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 100_000; i++) {
                        long nanos = base + random.nextInt(5) * 1_000_000_000L + random.nextInt(1_000_000_000);
                        assertEquals(instantText(nanos), Timestamps.iso(nanos), "nanos " + nanos);
                    }
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
