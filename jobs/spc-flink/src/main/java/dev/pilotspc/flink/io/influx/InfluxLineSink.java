package dev.pilotspc.flink.io.influx;

import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * At-least-once InfluxDB sink for line protocol: each element holds one or more '\n'-separated, already escaped lines (UTF-8).
 *
 * <p>Lines are sent in batches of {@link InfluxOptions#batchSize()}, when a partial batch is older than
 * {@link InfluxOptions#flushInterval()}, and on every checkpoint and at end of input ({@code flush}). Replays after a
 * restart rewrite the same points (same series and timestamp), which InfluxDB overwrites rather than duplicates.
 * Metrics: {@code numLinesWritten}, {@code numWriteRetries}, {@code numWriteFailures}, {@code numRejectedLines}
 * (lines the server refused for their data, see {@link InfluxLineWriter}).
 */
public final class InfluxLineSink implements Sink<byte[]> {
    private static final long serialVersionUID = 1L;

    private final InfluxOptions options;

    public InfluxLineSink(InfluxOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public SinkWriter<byte[]> createWriter(WriterInitContext context) {
        return new InfluxLineWriter(options, LineTransport.open(options), context.getProcessingTimeService(),
                context.metricGroup());
    }

    @Override
    public String toString() {
        return "InfluxLineSink{" + options + "}";
    }
}
