package dev.pilotspc.flink.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes each element as text to one local file (or stdout for {@code -}), flushed on checkpoints
 * and at the end of input; run it with parallelism 1. For local runs and replays.
 */
public class TextFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    public static final String STDOUT = "-";

    private final String path;
    private final SerializableFunction<T, String> format;
    private final boolean newlineAfterEach;

    /**
     * @param newlineAfterEach append a newline after each element (false when elements already end with one)
     */
    public TextFileSink(String path, SerializableFunction<T, String> format, boolean newlineAfterEach) {
        this.path = path;
        this.format = format;
        this.newlineAfterEach = newlineAfterEach;
    }

    /** Line-protocol text that already ends with newlines. */
    public static TextFileSink<String> lines(String path) {
        return new TextFileSink<>(path, s -> s, false);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Writer writer;
        if (STDOUT.equals(path)) {
            writer = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        } else {
            Path file = Path.of(path);
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }
        return new Writer2<>(writer, format, newlineAfterEach, !STDOUT.equals(path));
    }

    private static final class Writer2<T> implements SinkWriter<T> {
        private final Writer writer;
        private final SerializableFunction<T, String> format;
        private final boolean newline;
        private final boolean closeOnEnd;

        Writer2(Writer writer, SerializableFunction<T, String> format, boolean newline, boolean closeOnEnd) {
            this.writer = writer;
            this.format = format;
            this.newline = newline;
            this.closeOnEnd = closeOnEnd;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            writer.write(format.apply(element));
            if (newline) {
                writer.write('\n');
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            writer.flush();
        }

        @Override
        public void close() throws IOException {
            if (closeOnEnd) {
                writer.close();
            } else {
                writer.flush();
            }
        }
    }
}
