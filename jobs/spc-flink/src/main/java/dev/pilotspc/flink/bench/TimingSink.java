package dev.pilotspc.flink.bench;

import dev.pilotspc.flink.io.TextFileSink;
import dev.pilotspc.flink.records.ResultBatch;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The benchmark's file sink: writes line protocol (UTF-8) to a local file like the job's file sink, and
 * notes when the first and last element arrived (the jobs run in this JVM's mini cluster).
 */
final class TimingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    /** The first and last arrival over all writers of the current run, published when a writer closes. */
    static final AtomicLong FIRST = new AtomicLong();
    static final AtomicLong LAST = new AtomicLong();

    private final String path;
    private final TextFileSink.Encoder<T> encode;

    private TimingSink(String path, TextFileSink.Encoder<T> encode) {
        this.path = path;
        this.encode = encode;
    }

    /** The floor's lines. */
    static TimingSink<byte[]> bytes(String path) {
        return new TimingSink<>(path, (b, out) -> out.write(b));
    }

    /** The job's results. */
    static TimingSink<ResultBatch> results(String path) {
        return new TimingSink<>(path, TextFileSink.RESULTS);
    }

    static void reset() {
        FIRST.set(0);
        LAST.set(0);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        // a job may have several sinks on one path (chart and batch results): a file each
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(Files.createTempFile(Path.of(path).getParent(),
                Path.of(path).getFileName() + "-" + context.getTaskInfo().getIndexOfThisSubtask() + "-", ".lp")), 1 << 16);
        SinkWriter<T> file = TextFileSink.writer(out, encode);
        return new SinkWriter<>() {
            // per writer: shared counters updated per element would bounce a cache line between the cores
            private long first;
            private long last;

            @Override
            public void write(T element, Context ctx) throws IOException, InterruptedException {
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
                file.write(element, ctx);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                file.flush(endOfInput);
            }

            @Override
            public void close() throws Exception {
                file.close();
                if (first != 0) {
                    FIRST.accumulateAndGet(first, (a, b) -> a == 0 ? b : Math.min(a, b));
                    LAST.accumulateAndGet(last, Math::max);
                }
            }
        };
    }
}
