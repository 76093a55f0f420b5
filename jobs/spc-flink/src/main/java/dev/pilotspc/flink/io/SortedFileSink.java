package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.ResultBatch;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A replay's output file: every element is held until the end of input, then written in a fixed
 * order (time, then key; ties in arrival order), so the file doesn't depend on how Flink
 * interleaved the charts and streams. Beyond {@link #MEMORY_BUDGET} bytes the held elements are
 * sorted and spilled to a temporary run file, and the end merges the runs: a replay's output is
 * not bounded by the heap. Bounded inputs only, parallelism 1.
 */
public abstract class SortedFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    /** Encoded bytes held in memory before a sorted run goes to disk. */
    static final long MEMORY_BUDGET = 64L << 20;

    private final String path;
    private final long memoryBudget;

    protected SortedFileSink(String path) {
        this(path, MEMORY_BUDGET);
    }

    SortedFileSink(String path, long memoryBudget) {
        this.path = path;
        this.memoryBudget = memoryBudget;
    }

    /** The first sort key. */
    protected abstract long time(T element);

    /** The second sort key. */
    protected abstract String key(T element);

    protected abstract byte[] encode(T element);

    /** Results by event time and chart key, ties in charting order. */
    public static SortedFileSink<ResultBatch> results(String path) {
        return new SortedFileSink<>(path) {
            @Override
            protected long time(ResultBatch b) {
                return b.tsNanos;
            }

            @Override
            protected String key(ResultBatch b) {
                return b.chartKey;
            }

            @Override
            protected byte[] encode(ResultBatch b) {
                return b.bytes();
            }
        };
    }

    /** Alerts as JSON lines by event time and chart key, ties in the order the chart raised them. */
    public static SortedFileSink<Alert> alerts(String path) {
        return new SortedFileSink<>(path) {
            @Override
            protected long time(Alert a) {
                return a.tsNanos;
            }

            @Override
            protected String key(Alert a) {
                return a.chartKey;
            }

            @Override
            protected byte[] encode(Alert a) {
                return (a.json + '\n').getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** Dead letters as JSON lines in input file order (each record is rejected at most once). */
    public static SortedFileSink<DeadLetter> deadLetters(String path) {
        return new SortedFileSink<>(path) {
            @Override
            protected long time(DeadLetter d) {
                return d.seq;
            }

            @Override
            protected String key(DeadLetter d) {
                return "";
            }

            @Override
            protected byte[] encode(DeadLetter d) {
                return (DeadLetterJson.toJson(d) + '\n').getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    /** An element as it is held and spilled: its sort keys and its bytes in the file. */
    private record Entry(long time, String key, byte[] bytes) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::time).thenComparing(Entry::key);

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SortingWriter();
    }

    private final class SortingWriter implements SinkWriter<T> {
        private final List<Entry> held = new ArrayList<>();
        private final List<Path> runs = new ArrayList<>();
        private long heldBytes;

        @Override
        public void write(T element, Context ctx) throws IOException {
            Entry entry = new Entry(time(element), key(element), encode(element));
            held.add(entry);
            heldBytes += entry.bytes.length + 2L * entry.key.length() + 64;
            if (heldBytes > memoryBudget) {
                spill();
            }
        }

        /** The held entries, sorted (stable: ties keep arrival order), as the next run file. */
        private void spill() throws IOException {
            held.sort(ORDER);
            Path run = Files.createTempFile("spc-sorted-run-", ".bin");
            run.toFile().deleteOnExit(); // Ctrl-C: close() is not called
            runs.add(run);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (Entry e : held) {
                    byte[] key = e.key.getBytes(StandardCharsets.UTF_8);
                    out.writeLong(e.time);
                    out.writeInt(key.length);
                    out.write(key);
                    out.writeInt(e.bytes.length);
                    out.write(e.bytes);
                }
            }
            held.clear();
            heldBytes = 0;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (!endOfInput) {
                return;
            }
            try (OutputStream out = TextFileSink.open(path)) {
                if (runs.isEmpty()) {
                    held.sort(ORDER);
                    for (Entry e : held) {
                        out.write(e.bytes);
                    }
                } else {
                    if (!held.isEmpty()) {
                        spill();
                    }
                    merge(out);
                }
            } finally {
                held.clear();
                deleteRuns();
            }
        }

        /**
         * Writes the runs' entries in order: the smallest head first, on a tie the earlier run's
         * (runs are in arrival order, so ties keep arrival order as the in-memory sort does).
         */
        private void merge(OutputStream out) throws IOException {
            List<DataInputStream> inputs = new ArrayList<>();
            PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing((Head h) -> h.entry, ORDER)
                    .thenComparingInt(h -> h.run));
            try {
                for (Path run : runs) {
                    DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
                    inputs.add(in);
                    Entry first = read(in);
                    if (first != null) {
                        heads.add(new Head(first, inputs.size() - 1));
                    }
                }
                while (!heads.isEmpty()) {
                    Head head = heads.poll();
                    out.write(head.entry.bytes);
                    Entry next = read(inputs.get(head.run));
                    if (next != null) {
                        heads.add(new Head(next, head.run));
                    }
                }
            } finally {
                for (DataInputStream in : inputs) {
                    in.close();
                }
            }
        }

        private static Entry read(DataInputStream in) throws IOException {
            long time;
            try {
                time = in.readLong();
            } catch (EOFException end) {
                return null;
            }
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new Entry(time, new String(key, StandardCharsets.UTF_8), bytes);
        }

        private void deleteRuns() throws IOException {
            for (Path run : runs) {
                Files.deleteIfExists(run);
            }
            runs.clear();
        }

        @Override
        public void close() throws IOException {
            deleteRuns();
        }
    }

    private record Head(Entry entry, int run) {
    }
}
