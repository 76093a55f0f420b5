package dev.pilotspc.flink.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MeasurementRecordTest {

    @Test
    void isAtOrBeforeAgreesWithTheMillisecondEventTime() {
        long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000_001, -1_000_000, -999_999, -1, 0, 1, 999_999,
                1_000_000, 1_764_000_000_000_000_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        long[] watermarks = {Long.MIN_VALUE, Long.MIN_VALUE / 1_000_000L, -2, -1, 0, 1, 1_764_000_000_000L,
                Long.MAX_VALUE / 1_000_000L - 1, Long.MAX_VALUE / 1_000_000L, Long.MAX_VALUE};
        MeasurementRecord r = new MeasurementRecord();
        for (long ts : edges) {
            for (long wm : watermarks) {
                r.tsNanos = ts;
                assertEquals(r.tsMillis() <= wm, r.isAtOrBefore(wm), ts + " vs " + wm);
            }
        }
        Random random = new Random(9);
        for (int i = 0; i < 100_000; i++) {
            r.tsNanos = 1_764_000_000_000_000_000L + random.nextInt(2_000_000_000);
            long wm = 1_764_000_000_000L + random.nextInt(2_000);
            assertEquals(r.tsMillis() <= wm, r.isAtOrBefore(wm), r.tsNanos + " vs " + wm);
        }
    }
}
