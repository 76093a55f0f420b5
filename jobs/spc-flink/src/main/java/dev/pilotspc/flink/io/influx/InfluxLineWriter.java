package dev.pilotspc.flink.io.influx;

import dev.pilotspc.flink.io.influx.LineTransport.WriteFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches line-protocol lines (UTF-8) and writes them synchronously, retrying transient failures
 * with backoff and setting aside the lines InfluxDB rejects for their data.
 */
final class InfluxLineWriter implements SinkWriter<byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxLineWriter.class);
    // A server may ask for a long pause: wait at most this long before asking again.
    private static final long MAX_RETRY_AFTER_MILLIS = 5 * 60_000L;

    private final InfluxOptions options;
    private final LineTransport transport;
    private final ProcessingTimeService timers;
    private final Counter linesWritten;
    private final Counter writeRetries;
    private final Counter writeFailures;
    private final Counter rejectedLines;
    private static final long REJECT_LOG_INTERVAL_MILLIS = 10_000;
    private long lastRejectLog = Long.MIN_VALUE / 2;
    private int rejectedSinceLog;
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
        this.rejectedLines = metrics.counter("numRejectedLines");
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
        int rejected = write(body, bodySize, batchLines);
        linesWritten.inc(batchLines - rejected);
        bodySize = 0;
        batchLines = 0;
    }

    /**
     * Writes {@code lines} whole lines, retrying transient failures. A batch the server rejects for
     * its data (a point beyond the retention policy, a bad line, too large a request: InfluxDB
     * answers 400, 413 or 422, having written some points or none) is split in halves until the
     * rejected lines stand alone; those are counted and logged, the others land. Resending is safe:
     * points are idempotent. So one bad point cannot fail the job, which would replay it from the
     * checkpoint and fail again forever. Returns the number of rejected lines.
     */
    private int write(byte[] lines, int length, int count) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                transport.write(lines, length);
                return 0;
            } catch (WriteFailure f) {
                if (f.retryable()) {
                    retryOrGiveUp(f, count, attempt);
                } else if (!f.isDataRejection()) {
                    writeFailures.inc();
                    throw new IOException("InfluxDB at " + options.redactedUrl() + " refused a write of " + count
                            + " lines (not retried: check the URL, database/bucket and credentials): " + f.getMessage(), f);
                } else if (f.partialWriteDropped() > 0) {
                    // the server wrote the other points and says how many it dropped: nothing to resend
                    // (InfluxDB 1.x reports lines it could not parse as "dropped=0": those are bisected)
                    int dropped = (int) Math.min(count, f.partialWriteDropped());
                    reject(dropped, lines, length, f);
                    return dropped;
                } else if (count == 1) {
                    reject(1, lines, length, f);
                    return 1;
                } else {
                    int half = splitPoint(lines, length, count / 2);
                    return write(Arrays.copyOfRange(lines, 0, half), half, count / 2)
                            + write(Arrays.copyOfRange(lines, half, length), length - half, count - count / 2);
                }
            }
        }
    }

    private void retryOrGiveUp(WriteFailure f, int lines, int attempt) throws IOException, InterruptedException {
        int maxRetries = options.maxRetries();
        if (maxRetries != InfluxOptions.UNLIMITED && attempt >= maxRetries) {
            writeFailures.inc();
            throw new IOException("InfluxDB write of " + lines + " lines to " + options.redactedUrl()
                    + " failed after " + (attempt + 1) + " attempts: " + f.getMessage(), f);
        }
        long delay = f.retryAfterMillis >= 0 ? Math.min(f.retryAfterMillis, MAX_RETRY_AFTER_MILLIS) : backoff(attempt);
        writeRetries.inc();
        LOG.warn("InfluxDB write of {} lines to {} failed ({}); retry {}/{} in {} ms", lines, options.redactedUrl(),
                f.getMessage(), attempt + 1, maxRetries == InfluxOptions.UNLIMITED ? "unlimited" : maxRetries, delay);
        // Blocking here is the backpressure: upstream stalls (and the measurements wait in Kafka)
        // instead of a buffer growing.
        Thread.sleep(delay);
    }

    /** The offset after the {@code n}-th line. */
    private static int splitPoint(byte[] lines, int length, int n) {
        int seen = 0;
        for (int i = 0; i < length; i++) {
            if (lines[i] == '\n' && ++seen == n) {
                return i + 1;
            }
        }
        return length;
    }

    /** Counts {@code count} rejected lines of {@code lines} (the rejected one itself when it stands alone). */
    private void reject(int count, byte[] lines, int length, WriteFailure f) {
        rejectedLines.inc(count);
        long now = System.currentTimeMillis();
        rejectedSinceLog += count;
        // a backfill beyond the retention policy rejects every line: one log line per interval, with the count
        if (now - lastRejectLog >= REJECT_LOG_INTERVAL_MILLIS) {
            LOG.warn("InfluxDB at {} rejected {} line(s) since the last report, counted in numRejectedLines; the last of them "
                    + "in: {} ({})",
                    options.redactedUrl(), rejectedSinceLog,
                    WriteFailure.abbreviate(new String(lines, 0, Math.max(0, length - 1), StandardCharsets.UTF_8)),
                    f.getMessage());
            lastRejectLog = now;
            rejectedSinceLog = 0;
        }
    }

    private long backoff(int attempt) {
        long cap = InfluxOptions.MAX_RETRY_BACKOFF.toMillis();
        return Math.min(cap, options.retryBackoff().toMillis() << Math.min(attempt, 20));
    }
}
