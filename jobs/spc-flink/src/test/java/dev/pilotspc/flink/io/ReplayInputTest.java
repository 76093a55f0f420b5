package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayInputTest {

    @TempDir
    Path dir;

    @Test
    void rejectedFirstThenByEventTimeTiesInFileOrderEachChartsLastMarkedAndTheSpoolDeleted() throws Exception {
        Path file = Files.writeString(dir.resolve("m.jsonl"), String.join("\n",
                "{\"ts\":3000,\"feature\":\"a\",\"value\":1,\"part\":\"a3\"}",
                "{\"ts\":1000,\"feature\":\"b\",\"value\":1,\"part\":\"b1\"}",
                "not json",
                "{\"ts\":2000,\"feature\":\"a\",\"value\":1,\"part\":\"a2\"}",
                "{\"ts\":1000,\"feature\":\"a\",\"value\":1,\"part\":\"a1\"}",
                "{\"ts\":1000,\"feature\":\"b\",\"batch\":\"B2\",\"value\":1,\"part\":\"b1-B2\"}",
                "{\"ts\":2000,\"feature\":\"a\",\"value\":1}",
                ""));
        long before = spools();
        List<MeasurementRecord> records;
        try (ReplayInput input = ReplayInput.spool(file, new MeasurementParser())) {
            assertEquals(7, input.size());
            assertEquals(before + 1, spools());
            records = input.readAll();
        }
        assertEquals(before, spools(), "the spool is deleted on close");
        assertEquals(List.of("not json", "b1", "a1", "b1-B2", "a2", "null", "a3"),
                records.stream().map(r -> r.isValid() ? String.valueOf(r.part) : r.raw).toList());
        assertEquals(List.of(3L, 2L, 5L, 6L, 4L, 7L, 1L), records.stream().map(r -> r.seq).toList());
        // the last of (a, default) at 3000; b default's only one; b B2's only one
        assertEquals(List.of(false, true, false, true, false, false, true),
                records.stream().map(r -> r.lastOfChart).toList());
    }

    @Test
    void sortsByTimeKeepingFileOrderAmongEqualTimes() {
        // against the JDK's stable sort, on many ties, every length around the merge widths
        java.util.Random random = new java.util.Random(3);
        for (int n = 0; n <= 70; n++) {
            long[] times = random.longs(n, 0, 8).toArray();
            int[] indices = java.util.stream.IntStream.range(0, n).toArray();
            ReplayInput.sortByTime(indices, n, times);
            List<Integer> expected = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, n).boxed().toList());
            expected.sort(java.util.Comparator.comparingLong(i -> times[i]));
            assertEquals(expected, java.util.Arrays.stream(indices).boxed().toList(), "n = " + n);
        }
    }

    private static long spools() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("spc-replay-")).count();
        }
    }
}
