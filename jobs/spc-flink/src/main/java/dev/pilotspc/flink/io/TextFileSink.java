package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.ResultBatch;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as UTF-8 text to one local file (or stdout for {@code -}), flushed on
 * checkpoints and at the end of input; run it with parallelism 1. For local runs and replays.
 */
public class TextFileSink<T> implements Sink<T> {

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
        return open(path, false);
    }

    /** As above; {@code append} keeps what the file holds. */
    static OutputStream open(String path, boolean append) throws IOException {
        if (STDOUT.equals(path)) {
            return new BufferedOutputStream(System.out, 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        Path file = Path.of(path);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16);
    }

    /**
     * A job starts the file afresh, and so does a restart before its first checkpoint (the sources
     * start over too); a restore from a checkpoint or savepoint appends, so the results before it
     * stay (those after it come again: at-least-once, as with the InfluxDB sink).
     */
    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return writer(open(path, context.getRestoredCheckpointId().isPresent()), encode);
    }

    /** A writer of each element's bytes to {@code out}: flushed on checkpoints and at the end, closed with it. */
    public static <T> SinkWriter<T> writer(OutputStream out, Encoder<T> encode) {
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                encode.write(element, out);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
