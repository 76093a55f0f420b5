package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.ResultBatch;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The replay's results file: holds every result until the end of input, then writes them ordered
 * by event time and chart key (ties in charting order), so the file doesn't depend on how Flink
 * interleaved the charts. Bounded inputs only, parallelism 1.
 */
public class SortedResultsSink implements Sink<ResultBatch> {

    private static final long serialVersionUID = 1L;

    private final String path;

    public SortedResultsSink(String path) {
        this.path = path;
    }

    @Override
    public SinkWriter<ResultBatch> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private final List<ResultBatch> held = new ArrayList<>();

            @Override
            public void write(ResultBatch batch, Context ctx) {
                held.add(batch);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                if (!endOfInput) {
                    return;
                }
                held.sort(Comparator.<ResultBatch>comparingLong(b -> b.tsNanos).thenComparing(b -> b.chartKey));
                try (OutputStream out = TextFileSink.open(path)) {
                    for (ResultBatch b : held) {
                        out.write(b.lines);
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
