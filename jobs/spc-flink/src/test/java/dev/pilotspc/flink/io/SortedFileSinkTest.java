package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SortedFileSinkTest {

    @TempDir
    Path dir;

    /** An element: time, key and a line of text carrying its arrival number. */
    private record Item(long time, String key, int arrival) {
    }

    private static final class ItemSink extends SortedFileSink<Item> {
        private static final long serialVersionUID = 1L;

        ItemSink(String path, long budget) {
            super(path, budget);
        }

        @Override
        protected long time(Item i) {
            return i.time;
        }

        @Override
        protected String key(Item i) {
            return i.key;
        }

        @Override
        protected byte[] encode(Item i) {
            return (i.time + " " + i.key + " #" + i.arrival + " ünïcode\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private String run(List<Item> items, long budget, String name) throws Exception {
        Path out = dir.resolve(name);
        try (SinkWriter<Item> writer = new ItemSink(out.toString(), budget).createWriter(null)) {
            for (Item i : items) {
                writer.write(i, null);
            }
            writer.flush(true);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void spilledRunsMergeToTheSameFileAsTheInMemorySort() throws Exception {
        Random random = new Random(3);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // few distinct times and keys: many ties, which must keep arrival order
            items.add(new Item(random.nextInt(500), "chart-" + random.nextInt(7), i));
        }
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingLong(Item::time).thenComparing(Item::key)); // stable
        StringBuilder expected = new StringBuilder();
        for (Item i : sorted) {
            expected.append(i.time).append(' ').append(i.key).append(" #").append(i.arrival).append(" ünïcode\n");
        }
        long before = tempRuns();
        assertEquals(expected.toString(), run(items, Long.MAX_VALUE, "memory.txt"));
        // ~100 bytes per element counted: a run every ~40 elements, ~500 runs
        assertEquals(expected.toString(), run(items, 4_000, "spilled.txt"));
        assertEquals(before, tempRuns(), "run files left behind");
    }

    @Test
    void anEmptyInputWritesAnEmptyFile() throws Exception {
        assertEquals("", run(List.of(), 10, "empty.txt"));
        assertTrue(Files.exists(dir.resolve("empty.txt")));
    }

    private static long tempRuns() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("spc-sorted-run-")).count();
        }
    }
}
