package dev.pilotspc.flink.io.influx;

import dev.pilotspc.flink.io.influx.LineTransport.WriteFailure;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Batches line-protocol lines (UTF-8) and writes them synchronously, retrying transient failures with backoff. */
final class InfluxLineWriter implements SinkWriter<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxLineWriter.class);
    // A server may ask for a long pause; beyond this we would rather fail and let Flink restart.
    private static final long MAX_RETRY_AFTER_MILLIS = 5 * 60_000L;

    private final InfluxOptions options;
    private final LineTransport transport;
    private final ProcessingTimeService timers;
    private final Counter linesWritten;
    private final Counter writeRetries;
    private final Counter writeFailures;
    /** The request body being collected: whole lines, each ending with '\n'. */
    private byte[] body = new byte[1 << 16];
    private int bodySize;
    private int batchLines;
    private long batchStartedAt;
    private boolean timerPending;

    /** {@code timers} may be null (no flush of idle batches between writes). */
    InfluxLineWriter(InfluxOptions options, LineTransport transport, ProcessingTimeService timers, MetricGroup metrics) {
        this.options = options;
        this.transport = transport;
        this.timers = timers;
        this.linesWritten = metrics.counter("numLinesWritten");
        this.writeRetries = metrics.counter("numWriteRetries");
        this.writeFailures = metrics.counter("numWriteFailures");
    }

    /** An element holds one or more lines; blank lines are skipped, a missing last newline added. */
    @Override
    public void write(byte[] element, Context context) throws IOException, InterruptedException {
        int start = 0;
        while (start < element.length) {
            int end = start;
            while (end < element.length && element[end] != '\n') {
                end++;
            }
            int stop = end > start && element[end - 1] == '\r' ? end - 1 : end;
            if (stop > start) {
                add(element, start, stop - start);
            }
            start = end + 1;
        }
        if (batchLines > 0 && now() - batchStartedAt >= options.flushInterval().toMillis()) {
            send();
        }
    }

    private void add(byte[] line, int offset, int length) throws IOException, InterruptedException {
        if (batchLines == 0) {
            batchStartedAt = now();
            scheduleFlush();
        }
        if (bodySize + length + 1 > body.length) {
            body = Arrays.copyOf(body, Math.max(body.length * 2, bodySize + length + 1));
        }
        System.arraycopy(line, offset, body, bodySize, length);
        bodySize += length;
        body[bodySize++] = '\n';
        batchLines++;
        if (batchLines >= options.batchSize()) {
            send();
        }
    }

    /** Called on every checkpoint and at end of input: nothing stays buffered, so the sink is at-least-once. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        send();
    }

    @Override
    public void close() {
        transport.close();
    }

    // A sparse stream must still reach the dashboards within flushInterval, not only at the next checkpoint.
    private void scheduleFlush() {
        if (timers == null || timerPending) {
            return;
        }
        timerPending = true;
        timers.registerTimer(batchStartedAt + options.flushInterval().toMillis(), time -> {
            timerPending = false;
            if (batchLines == 0) {
                return;
            }
            if (time - batchStartedAt >= options.flushInterval().toMillis()) {
                send();
            } else {
                scheduleFlush();
            }
        });
    }

    private long now() {
        return timers != null ? timers.getCurrentProcessingTime() : System.currentTimeMillis();
    }

    private void send() throws IOException, InterruptedException {
        if (batchLines == 0) {
            return;
        }
        int lines = batchLines;
        for (int attempt = 0; ; attempt++) {
            try {
                transport.write(body, bodySize);
                break;
            } catch (WriteFailure f) {
                if (!f.retryable()) {
                    writeFailures.inc();
                    throw new IOException("InfluxDB at " + options.redactedUrl() + " rejected a batch of " + lines
                            + " lines (not retried: fix the data or the configuration): " + f.getMessage(), f);
                }
                if (attempt >= options.maxRetries()) {
                    writeFailures.inc();
                    throw new IOException("InfluxDB write of " + lines + " lines to " + options.redactedUrl()
                            + " failed after " + (attempt + 1) + " attempts: " + f.getMessage(), f);
                }
                long delay = f.retryAfterMillis >= 0 ? Math.min(f.retryAfterMillis, MAX_RETRY_AFTER_MILLIS)
                        : backoff(attempt);
                writeRetries.inc();
                LOG.warn("InfluxDB write of {} lines to {} failed ({}); retry {}/{} in {} ms", lines,
                        options.redactedUrl(), f.getMessage(), attempt + 1, options.maxRetries(), delay);
                // Blocking here is the backpressure: upstream stalls instead of the buffer growing.
                Thread.sleep(delay);
            }
        }
        linesWritten.inc(lines);
        bodySize = 0;
        batchLines = 0;
    }

    private long backoff(int attempt) {
        long cap = InfluxOptions.MAX_RETRY_BACKOFF.toMillis();
        return Math.min(cap, options.retryBackoff().toMillis() << Math.min(attempt, 20));
    }
}
