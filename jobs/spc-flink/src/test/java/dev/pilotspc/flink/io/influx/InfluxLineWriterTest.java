package dev.pilotspc.flink.io.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.io.influx.LineTransport.WriteFailure;
import dev.pilotspc.flink.testing.ManualTimers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class InfluxLineWriterTest {
    private final List<List<String>> requests = new ArrayList<>();
    /** Failures to answer before accepting requests (fault injection). */
    private final java.util.ArrayDeque<WriteFailure> failures = new java.util.ArrayDeque<>();
    private final LineTransport recording = new LineTransport() {
        @Override
        public void write(byte[] body, int length) throws WriteFailure {
            String text = new String(body, 0, length, StandardCharsets.UTF_8);
            requests.add(List.of(text.split("\n")));
            WriteFailure failure = failures.poll();
            if (failure != null) {
                throw failure;
            }
            if (text.contains("bad")) { // as InfluxDB answers a batch with a line it cannot take
                throw new WriteFailure(400, -1, "HTTP 400: unable to parse", null);
            }
        }

        @Override
        public void close() {
        }
    };
    private final ManualTimers timers = new ManualTimers();
    private final Map<String, Counter> counters = new HashMap<>();
    private final UnregisteredMetricsGroup metrics = new UnregisteredMetricsGroup() {
        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }
    };

    private InfluxLineWriter writer(int batchSize) {
        return writer(InfluxOptions.builder("http://h:8086").db("spc").batchSize(batchSize)
                .flushInterval(Duration.ofSeconds(1)).retryBackoff(Duration.ofMillis(1)));
    }

    private InfluxLineWriter writer(InfluxOptions.Builder builder) {
        InfluxOptions options = builder.build();
        return new InfluxLineWriter(options, recording, timers, metrics);
    }

    @Test
    void splitsMultiLineElementsIntoBatchesOfBatchSizeLinesSkippingBlankLines() throws Exception {
        InfluxLineWriter writer = writer(3);

        writer.write(bytes("a 1\nb 2"), null);
        writer.write(bytes("c 3\nd 4\n"), null);
        writer.write(bytes(""), null);
        writer.write(bytes("e 5\r\n\nf 6"), null);

        assertEquals(List.of(List.of("a 1", "b 2", "c 3"), List.of("d 4", "e 5", "f 6")), requests);
        assertEquals(6, counters.get("numLinesWritten").getCount());
    }

    @Test
    void splitsARejectedBatchUntilTheRejectedLinesStandAloneAndWritesTheRest() throws Exception {
        InfluxLineWriter writer = writer(100);
        writer.write(bytes("a 1\nbad 2\nc 3\nd 4\nbad 5"), null);

        writer.flush(false);

        assertEquals(List.of(List.of("a 1", "bad 2", "c 3", "d 4", "bad 5"), List.of("a 1", "bad 2"), List.of("a 1"),
                List.of("bad 2"), List.of("c 3", "d 4", "bad 5"), List.of("c 3"), List.of("d 4", "bad 5"),
                List.of("d 4"), List.of("bad 5")), requests);
        assertEquals(3, counters.get("numLinesWritten").getCount());
        assertEquals(2, counters.get("numRejectedLines").getCount());
    }

    @Test
    void retriesAnUnavailableServerUntilItTakesTheBatchByDefault() throws Exception {
        InfluxLineWriter writer = writer(100);
        for (int i = 0; i < 8; i++) {
            failures.add(status(i % 2 == 0 ? 503 : 0));
        }
        writer.write(bytes("a 1"), null);

        writer.flush(false);

        assertEquals(9, requests.size());
        assertEquals(8, counters.get("numWriteRetries").getCount());
        assertEquals(1, counters.get("numLinesWritten").getCount());
    }

    private static WriteFailure status(int status) {
        return new WriteFailure(status, -1, "HTTP " + status, null);
    }

    @Test
    void countsWhatAPartialWriteDroppedWithoutSendingTheRestAgain() throws Exception {
        InfluxLineWriter writer = writer(100);
        failures.add(new WriteFailure(400, -1,
                "HTTP 400: {\"error\":\"partial write: points beyond retention policy dropped=2\"}", null));
        writer.write(bytes("a 1\nb 2\nc 3"), null);

        writer.flush(false);

        assertEquals(1, requests.size());
        assertEquals(1, counters.get("numLinesWritten").getCount());
        assertEquals(2, counters.get("numRejectedLines").getCount());

        failures.add(new WriteFailure(400, -1, "HTTP 400: partial write: dropped=99999999999999999999", null));
        writer.write(bytes("d 4\nbad 5"), null);
        writer.flush(false); // an absurd count is no count: bisected instead
        assertEquals(2, counters.get("numLinesWritten").getCount());
        assertEquals(3, counters.get("numRejectedLines").getCount());
    }

    @Test
    void failsOnWrongCredentialsDatabaseOrUrlWithoutRetrying() throws Exception {
        for (int status : new int[] {401, 403, 404, 301, 307, 405}) {
            requests.clear();
            failures.add(status(status));
            InfluxLineWriter writer = writer(100);
            writer.write(bytes("a 1"), null);

            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> writer.flush(false));

            assertTrue(e.getMessage().contains("HTTP " + status) && e.getMessage().contains("check the URL"), e.getMessage());
            assertEquals(1, requests.size());
        }
    }

    @Test
    void flushSendsThePartialBatchAndNothingWhenEmpty() throws Exception {
        InfluxLineWriter writer = writer(100);
        writer.write(bytes("a 1\nb 2"), null);

        writer.flush(false);
        writer.flush(true);

        assertEquals(List.of(List.of("a 1", "b 2")), requests);
    }

    @Test
    void sendsAPartialBatchOnceFlushIntervalHasPassedWithoutFurtherInput() throws Exception {
        InfluxLineWriter writer = writer(100);
        writer.write(bytes("a 1"), null);

        timers.advance(999);
        assertTrue(requests.isEmpty());
        timers.advance(1);

        assertEquals(List.of(List.of("a 1")), requests);
    }

    @Test
    void sendsAPartialBatchOnTheNextWriteAfterFlushInterval() throws Exception {
        InfluxLineWriter writer = writer(100);
        writer.write(bytes("a 1"), null);
        timers.now += 1500; // time passes but the timer has not fired yet (mailbox busy)

        writer.write(bytes("b 2"), null);

        assertEquals(List.of(List.of("a 1", "b 2")), requests);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
