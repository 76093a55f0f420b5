package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A replay's measurements in the order CONTRACT.md §1 gives them: records that can't be used
 * first, in file order, then the measurements by event time, ties in file order; each chart's
 * last measurement is marked, as the file's end also ends its last subgroup. The parsed records
 * are spooled to a temporary file (Flink's POJO serializer) and only their sort keys are held, about
 * 20 bytes a record, so a file larger than the heap replays. A job reads them back in that order
 * through {@link #reader()}, fed the positions 0 … size − 1 in order (a bounded number sequence at
 * parallelism 1).
 */
public final class ReplayInput implements AutoCloseable {

    /** Marks an order entry (a spool offset) as its chart's last measurement. */
    private static final long LAST_OF_CHART = Long.MIN_VALUE;

    private final Path dir;
    private final Path spool;
    private final Path order;
    private int size;

    private ReplayInput(Path dir) {
        this.dir = dir;
        this.spool = dir.resolve("records.bin");
        this.order = dir.resolve("order.bin");
    }

    /** Reads and parses {@code file}, spools its records and writes their replay order; {@link #close()} deletes both. */
    public static ReplayInput spool(Path file, MeasurementParser parser) throws IOException {
        ReplayInput input = new ReplayInput(Files.createTempDirectory("spc-replay-"));
        input.dir.toFile().deleteOnExit();
        input.spool.toFile().deleteOnExit();
        input.order.toFile().deleteOnExit();
        try {
            input.write(file, parser);
            return input;
        } catch (IOException | RuntimeException e) {
            input.close();
            throw e;
        }
    }

    private void write(Path file, MeasurementParser parser) throws IOException {
        Keys keys = new Keys();
        TypeSerializer<MeasurementRecord> serializer = serializer();
        DataOutputSerializer bytes = new DataOutputSerializer(512);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16))) {
            long[] offset = {0};
            MeasurementFiles.read(file, parser, r -> {
                try {
                    bytes.clear();
                    serializer.serialize(r, bytes);
                    out.writeInt(bytes.length());
                    out.write(bytes.getSharedBuffer(), 0, bytes.length());
                } catch (IOException e) {
                    throw new SpoolException(e);
                }
                keys.add(offset[0], r.tsNanos, r.isValid() ? r.chartKey() : null);
                offset[0] += Integer.BYTES + bytes.length();
            });
        } catch (SpoolException e) {
            throw new IOException("cannot spool the records to " + spool + ": " + e.getCause().getMessage(), e.getCause());
        }
        size = keys.size;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(order), 1 << 16))) {
            for (long entry : keys.order()) {
                out.writeLong(entry);
            }
        }
    }

    /** Records read, rejected ones included. */
    public int size() {
        return size;
    }

    /** Maps position i (0 … size − 1, in order) to the i-th record of the replay order. */
    public RichMapFunction<Long, MeasurementRecord> reader() {
        return new Reader(spool.toString(), order.toString());
    }

    /** All records in replay order (tests, small files). */
    public List<MeasurementRecord> readAll() throws Exception {
        Reader reader = new Reader(spool.toString(), order.toString());
        reader.open(null);
        try {
            List<MeasurementRecord> records = new ArrayList<>(size);
            for (long i = 0; i < size; i++) {
                records.add(reader.map(i));
            }
            return records;
        } finally {
            reader.close();
        }
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(spool);
        Files.deleteIfExists(order);
        Files.deleteIfExists(dir);
    }

    private static TypeSerializer<MeasurementRecord> serializer() {
        return Types.POJO(MeasurementRecord.class).createSerializer(new SerializerConfigImpl());
    }

    /** Each record's spool offset, event time and chart (null: rejected), in file order. */
    private static final class Keys {
        private long[] offsets = new long[1024];
        private long[] times = new long[1024];
        private int[] charts = new int[1024];
        private final Map<String, Integer> chartIds = new HashMap<>();
        private int size;

        void add(long offset, long tsNanos, String chartKey) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                times = Arrays.copyOf(times, size * 2);
                charts = Arrays.copyOf(charts, size * 2);
            }
            offsets[size] = offset;
            times[size] = tsNanos;
            charts[size] = chartKey == null ? -1 : chartIds.computeIfAbsent(chartKey, k -> chartIds.size());
            size++;
        }

        /** Spool offsets in replay order, each chart's last one marked. */
        long[] order() {
            long[] entries = new long[size];
            int next = 0;
            int[] valid = new int[size];
            int validCount = 0;
            for (int i = 0; i < size; i++) {
                if (charts[i] < 0) {
                    entries[next++] = offsets[i];
                } else {
                    valid[validCount++] = i;
                }
            }
            sortByTime(valid, validCount, times);
            BitSet seen = new BitSet();
            for (int j = validCount - 1; j >= 0; j--) {
                int i = valid[j];
                boolean last = !seen.get(charts[i]);
                seen.set(charts[i]);
                entries[next + j] = offsets[i] | (last ? LAST_OF_CHART : 0);
            }
            return entries;
        }
    }

    /**
     * Sorts {@code indices[0..n)} by {@code times[index]}, stable (ties keep file order): a bottom-up
     * merge sort on ints, 8 bytes a record where a boxed list took ~20.
     */
    static void sortByTime(int[] indices, int n, long[] times) {
        int[] from = indices;
        int[] to = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n);
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    // the right run's element only when strictly earlier: equal times keep their order
                    to[k++] = times[from[j]] < times[from[i]] ? from[j++] : from[i++];
                }
                while (i < mid) {
                    to[k++] = from[i++];
                }
                while (j < hi) {
                    to[k++] = from[j++];
                }
            }
            int[] swap = from;
            from = to;
            to = swap;
        }
        if (from != indices) {
            System.arraycopy(from, 0, indices, 0, n);
        }
    }

    /** An I/O failure inside the record callback, carried out of it. */
    private static final class SpoolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SpoolException(IOException cause) {
            super(cause);
        }
    }

    private static final class Reader extends RichMapFunction<Long, MeasurementRecord> {
        private static final long serialVersionUID = 1L;

        private final String spoolPath;
        private final String orderPath;
        private transient FileChannel spool;
        private transient DataInputStream order;
        private transient TypeSerializer<MeasurementRecord> serializer;
        private transient long next;

        Reader(String spoolPath, String orderPath) {
            this.spoolPath = spoolPath;
            this.orderPath = orderPath;
        }

        @Override
        public void open(OpenContext context) throws IOException {
            spool = FileChannel.open(Path.of(spoolPath));
            order = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(orderPath)), 1 << 16));
            serializer = serializer();
        }

        @Override
        public MeasurementRecord map(Long position) throws IOException {
            if (position != next) {
                throw new IllegalStateException("replay positions out of sequence: " + position + " where " + next + " was due");
            }
            next++;
            long entry = order.readLong();
            long offset = entry & ~LAST_OF_CHART;
            ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
            readFully(length, offset);
            ByteBuffer bytes = ByteBuffer.allocate(length.getInt(0));
            readFully(bytes, offset + Integer.BYTES);
            MeasurementRecord r = serializer.deserialize(new DataInputDeserializer(bytes.array()));
            r.lastOfChart = (entry & LAST_OF_CHART) != 0;
            return r;
        }

        private void readFully(ByteBuffer buffer, long position) throws IOException {
            while (buffer.hasRemaining()) {
                if (spool.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException("replay spool " + spoolPath + " ends early");
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (spool != null) {
                spool.close();
            }
            if (order != null) {
                order.close();
            }
        }
    }
}
