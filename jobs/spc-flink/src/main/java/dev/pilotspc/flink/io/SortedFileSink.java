package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.ResultBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A replay's output file: holds every element until the end of input, then writes them in a fixed
 * order, so the file doesn't depend on how Flink interleaved the charts and streams. Bounded
 * inputs only, parallelism 1.
 */
public abstract class SortedFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final String path;

    protected SortedFileSink(String path) {
        this.path = path;
    }

    protected abstract Comparator<T> order();

    protected abstract byte[] encode(T element);

    /** Results by event time and chart key, ties in charting order. */
    public static SortedFileSink<ResultBatch> results(String path) {
        return new SortedFileSink<>(path) {
            @Override
            protected Comparator<ResultBatch> order() {
                return Comparator.<ResultBatch>comparingLong(b -> b.tsNanos).thenComparing(b -> b.chartKey);
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
            protected Comparator<Alert> order() {
                return Comparator.<Alert>comparingLong(a -> a.tsNanos).thenComparing(a -> a.chartKey);
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
            protected Comparator<DeadLetter> order() {
                return Comparator.comparingLong(d -> d.seq);
            }

            @Override
            protected byte[] encode(DeadLetter d) {
                return (DeadLetterJson.toJson(d) + '\n').getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private final List<T> held = new ArrayList<>();

            @Override
            public void write(T element, Context ctx) {
                held.add(element);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                if (!endOfInput) {
                    return;
                }
                held.sort(order()); // stable: ties keep arrival order
                try (OutputStream out = TextFileSink.open(path)) {
                    for (T element : held) {
                        out.write(encode(element));
                    }
                }
                held.clear();
            }

            @Override
            public void close() {
            }
        };
    }
}
