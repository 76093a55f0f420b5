package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.ResultBatch;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as UTF-8 text to one local file (or stdout for {@code -}), flushed on
 * checkpoints and at the end of input, its length at each checkpoint kept as the writer's state;
 * run it with parallelism 1. For local runs and replays.
 */
public class TextFileSink<T> implements Sink<T>, SupportsWriterState<T, Long> {

    private static final long serialVersionUID = 1L;

    public static final String STDOUT = "-";

    private final String path;
    private final Encoder<T> encode;

    /** Writes an element's bytes. */
    @FunctionalInterface
    public interface Encoder<T> extends Serializable {
        void write(T element, OutputStream out) throws IOException;
    }

    /** Line-protocol results, which already end with newlines. */
    public static final Encoder<ResultBatch> RESULTS = (b, out) -> out.write(b.lines, 0, b.length);

    private TextFileSink(String path, Encoder<T> encode) {
        this.path = path;
        this.encode = encode;
    }

    /** One line of text per element. */
    public static <T> TextFileSink<T> text(String path, SerializableFunction<T, String> format) {
        return new TextFileSink<>(path, (e, out) -> out.write((format.apply(e) + '\n').getBytes(StandardCharsets.UTF_8)));
    }

    /** Line-protocol results. */
    public static TextFileSink<ResultBatch> lines(String path) {
        return new TextFileSink<>(path, RESULTS);
    }

    /** The file (created, truncated) or stdout, buffered; closing stdout's stream only flushes it. */
    static OutputStream open(String path) throws IOException {
        if (STDOUT.equals(path)) {
            return stdout();
        }
        return new BufferedOutputStream(Channels.newOutputStream(channel(path, 0)), 1 << 16);
    }

    private static OutputStream stdout() {
        return new BufferedOutputStream(System.out, 1 << 16) {
            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** The file, created with its folders, cut to {@code length} bytes (if longer) and positioned at its end. */
    private static FileChannel channel(String path, long length) throws IOException {
        Path file = Path.of(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.size() > length) {
            channel.truncate(length);
        }
        return channel.position(channel.size());
    }

    /**
     * A job starts the file afresh, and so does a restart before its first checkpoint (the sources
     * start over too).
     */
    @Override
    public StatefulSinkWriter<T, Long> createWriter(WriterInitContext context) throws IOException {
        return writer(path, 0, context.getProcessingTimeService());
    }

    /**
     * A restore from a checkpoint or savepoint cuts the file back to its length at that checkpoint
     * and appends: what came after it comes again, once. (Without a length, from a checkpoint taken
     * before the sink kept one, it appends.)
     */
    @Override
    public StatefulSinkWriter<T, Long> restoreWriter(WriterInitContext context, Collection<Long> lengths) throws IOException {
        long length = lengths.stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
        return writer(path, length, context.getProcessingTimeService());
    }

    private FileWriter<T> writer(String path, long length, ProcessingTimeService time) throws IOException {
        FileChannel channel = STDOUT.equals(path) ? null : channel(path, length);
        FileWriter<T> writer = new FileWriter<>(channel,
                channel == null ? stdout() : new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16), encode);
        writer.flushEverySecond(time);
        return writer;
    }

    @Override
    public SimpleVersionedSerializer<Long> getWriterStateSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Long length) {
                return ByteBuffer.allocate(Long.BYTES).putLong(length).array();
            }

            @Override
            public Long deserialize(int version, byte[] serialized) {
                return ByteBuffer.wrap(serialized).getLong();
            }
        };
    }

    /**
     * Writes each element's bytes to {@code out}, flushed on checkpoints, at the end and (in a job)
     * within a second of being written, closed with it; tells the length of {@code channel} (under
     * {@code out}) at each checkpoint, or nothing without one.
     */
    private static final class FileWriter<T> implements StatefulSinkWriter<T, Long> {
        private final FileChannel channel;
        private final OutputStream out;
        private final Encoder<T> encode;
        /** Written since the last flush. */
        private boolean pending;
        private boolean closed;

        FileWriter(FileChannel channel, OutputStream out, Encoder<T> encode) {
            this.channel = channel;
            this.out = out;
            this.encode = encode;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            encode.write(element, out);
            pending = true;
        }

        /**
         * A live run's results reach the file (or a terminal) within a second, not only at the next
         * checkpoint or when 64 KB have gathered; the timer runs in the task's thread, as writes do.
         */
        void flushEverySecond(ProcessingTimeService time) {
            time.registerTimer(time.getCurrentProcessingTime() + 1000, now -> {
                if (closed) {
                    return;
                }
                if (pending) {
                    out.flush();
                    pending = false;
                }
                flushEverySecond(time);
            });
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
            pending = false;
        }

        @Override
        public List<Long> snapshotState(long checkpointId) throws IOException {
            out.flush();
            return channel == null ? List.of() : List.of(channel.size());
        }

        @Override
        public void close() throws IOException {
            closed = true;
            out.close();
        }
    }

    /** A writer of each element's bytes to {@code out}: flushed on checkpoints and at the end, closed with it. */
    public static <T> SinkWriter<T> writer(OutputStream out, Encoder<T> encode) {
        return new FileWriter<>(null, out, encode);
    }
}
