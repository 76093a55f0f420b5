package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.records.ResultBatch;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyed charting function in Flink's operator harness: ordering, duplicates, lateness, definitions, state. */
class MonitorFunctionTest {

    private static final String FEATURES = """
            features:
              - feature: f
                lsl: 9
                usl: 11
                limits: {mean: 10, sigma: 0.1}
                drift: false
            """;
    private static final long MS = 1_000_000L;
    private static final Duration MAX_WAIT = Duration.ofSeconds(5);

    KeyedBroadcastOperatorTestHarness<String, MeasurementRecord, DefinitionUpdate, ResultBatch> harness;

    KeyedBroadcastOperatorTestHarness<String, MeasurementRecord, DefinitionUpdate, ResultBatch> open(
            OperatorSubtaskState restoreFrom) throws Exception {
        return open(restoreFrom, Duration.ZERO);
    }

    private KeyedBroadcastOperatorTestHarness<String, MeasurementRecord, DefinitionUpdate, ResultBatch> open(
            OperatorSubtaskState restoreFrom, Duration ttl) throws Exception {
        start(new MonitorFunction(FEATURES, "test.yaml", ttl, MAX_WAIT), null);
        if (restoreFrom != null) {
            restore(restoreFrom, new dev.pilotspc.core.readiness.ReadinessPolicy());
        }
        return harness;
    }

    /** A new harness (a new run) restored from {@code snapshot}, with these readiness options. */
    private void restore(OperatorSubtaskState snapshot, dev.pilotspc.core.readiness.ReadinessPolicy readiness)
            throws Exception {
        start(new MonitorFunction(FEATURES, "test.yaml", Duration.ZERO, MAX_WAIT, readiness), snapshot);
    }

    /** A harness (a run) of {@code function} on {@link #stateBackend()}, restored from {@code snapshot} unless null. */
    private void start(MonitorFunction function, OperatorSubtaskState snapshot) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(function, List.of(MonitorFunction.DEFINITIONS)),
                MeasurementRecord::chartKey, Types.STRING, 1, 1, 0);
        StateBackend backend = stateBackend();
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        harness.setup();
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    /** The keyed state backend of every test: null for the harness's heap backend ({@link MonitorFunctionRocksDbTest}). */
    StateBackend stateBackend() {
        return null;
    }

    /** A harness at processing time 0 whose watermark is {@code watermark}: later measurements wait. */
    private void openAtProcessingTimeZeroWithWatermark(long watermark) throws Exception {
        open(null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.setProcessingTime(0);
        harness.processWatermark(watermark);
    }

    /** A harness whose watermarks are past every test measurement: charts take them at once. */
    private void openWithTheWatermarkAhead(Duration ttl) throws Exception {
        open(null, ttl);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(100_000);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static MeasurementRecord m(String feature, long tsMillis, double value, String part) {
        MeasurementRecord r = new MeasurementRecord();
        r.feature = feature;
        r.batch = "B1";
        r.tsNanos = tsMillis * MS;
        r.value = value;
        r.part = part;
        r.raw = "{\"feature\":\"" + feature + "\",\"ts\":" + tsMillis + ",\"value\":" + value + "}";
        return r;
    }

    private void send(MeasurementRecord r) throws Exception {
        harness.processElement(r, r.tsMillis());
    }

    private List<String> points() {
        return harness.extractOutputValues().stream()
                .flatMap(b -> Arrays.stream(b.text().split("\n")))
                .filter(l -> l.startsWith("spc_point"))
                .collect(Collectors.toList());
    }

    private List<DeadLetter> deadLetters() {
        return harness.getSideOutput(MonitorFunction.DEAD_LETTERS) == null ? List.of()
                : harness.getSideOutput(MonitorFunction.DEAD_LETTERS).stream().map(r -> r.getValue()).collect(Collectors.toList());
    }

    private static String field(String line, String name) {
        int i = line.indexOf(name + "=", line.indexOf(' '));
        int end = line.indexOf(',', i);
        int space = line.indexOf(' ', i);
        end = end < 0 || (space >= 0 && space < end) ? space : end;
        return line.substring(i + name.length() + 1, end);
    }

    @Test
    void chartsInEventTimeOrderOnceTheWatermarkPasses() throws Exception {
        open(null);
        send(m("f", 3000, 10.3, "P3"));
        send(m("f", 1000, 10.1, "P1"));
        send(m("f", 2000, 10.2, "P2"));
        assertTrue(points().isEmpty(), "held until the watermark");
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(5000);
        List<String> points = points();
        assertEquals(3, points.size());
        assertEquals("\"P1\"", field(points.get(0), "part"));
        assertEquals("\"P2\"", field(points.get(1), "part"));
        assertEquals("\"P3\"", field(points.get(2), "part"));
        assertEquals("3i", field(points.get(2), "n"));
    }

    @Test
    void chartsAtOnceWhatIsBehindTheWatermarkAndRejectsWhatIsOlderThanTheChart() throws Exception {
        open(null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(10_000);
        send(m("f", 9000, 10.0, "P9"));
        assertEquals(1, points().size(), "behind the watermark: charted at once");
        send(m("f", 9500, 10.0, "P10"));
        send(m("f", 8000, 10.0, "P8"));
        assertEquals(2, points().size());
        List<DeadLetter> dead = deadLetters();
        assertEquals(1, dead.size());
        assertEquals(DeadLetter.LATE, dead.get(0).reason);
        assertTrue(dead.get(0).record.contains("8000"), "the original record travels with it");
    }

    @Test
    void chartsADuplicateDeliveryOnce() throws Exception {
        open(null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        send(m("f", 1000, 10.0, "P1"));
        send(m("f", 1000, 10.0, "P1"));
        send(m("f", 1000, 10.05, "P1b"));
        harness.processWatermark(2000);
        send(m("f", 1000, 10.0, "P1"));
        assertEquals(2, points().size());
        List<DeadLetter> dead = deadLetters();
        assertEquals(2, dead.size());
        assertTrue(dead.stream().allMatch(d -> d.reason.equals(DeadLetter.DUPLICATE)));
    }

    @Test
    void chartsOnceEachOfManyMeasurementsSharingOneTimestampWhenAllComeTwice() throws Exception {
        openWithTheWatermarkAhead(Duration.ZERO);
        send(m("f", 500, 10.0, "P0"));
        for (int copy = 0; copy < 2; copy++) {
            for (int i = 1; i <= 40; i++) { // more than the chart remembers of older timestamps
                send(m("f", 1000, 10 + i / 100.0, "P" + i));
            }
        }
        send(m("f", 2000, 10.0, "P41"));
        for (int i = 1; i <= 40; i++) {
            send(m("f", 1000, 10 + i / 100.0, "P" + i)); // a third copy, once the chart has moved on
        }
        assertEquals(42, points().size());
        Map<String, Long> reasons = deadLetters().stream()
                .collect(Collectors.groupingBy(d -> d.reason, Collectors.counting()));
        // the last few of an older timestamp are still known as charted; earlier ones are just late
        assertEquals(Map.of(DeadLetter.DUPLICATE, 40L + KeyState.RECENT / 2, DeadLetter.LATE, 40L - KeyState.RECENT / 2), reasons);
    }

    @Test
    void remembersAtMostTheLastFewThousandMeasurementsOfOneTimestamp() {
        KeyState state = new KeyState();
        int count = KeyState.MAX_AT_ONE_TS + 10;
        for (int i = 0; i < count; i++) {
            state.remember(m("f", 1000, 10, "P" + i));
        }
        assertTrue(state.isDuplicate(m("f", 1000, 10, "P" + (count - 1))));
        assertTrue(state.isDuplicate(m("f", 1000, 10, "P" + (count - KeyState.MAX_AT_ONE_TS / 2))));
        assertFalse(state.isDuplicate(m("f", 1000, 10, "P0")), "the earliest were let go");
        assertEquals(KeyState.MAX_AT_ONE_TS, state.recentTs.length, "bounded");
        state.remember(m("f", 2000, 10, "Q"));
        assertEquals(KeyState.RECENT, state.recentTs.length, "back to the usual size when the timestamp moves on");
        assertTrue(state.isDuplicate(m("f", 1000, 10, "P" + (count - 1))));
    }

    @Test
    void sendsMeasurementsOfUnknownFeaturesToTheDeadLetters() throws Exception {
        open(null);
        send(m("nope", 1000, 1, "P1"));
        assertTrue(deadLetters().isEmpty(), "a definition may still arrive until the watermark passes");
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(2000);
        assertEquals(DeadLetter.UNKNOWN_FEATURE, deadLetters().get(0).reason);
    }

    @Test
    void chartsWithTheDefinitionsPublishedWhenTheJobWasBuiltUntilTheTopicSpeaks() throws Exception {
        Map<String, String> published = new HashMap<>();
        published.put("g", "{\"feature\": \"g\", \"usl\": 5}"); // only on the topic
        published.put("f", null); // the file's feature, removed on the topic
        start(new MonitorFunction(FEATURES, "test.yaml", new PublishedDefinitions(published, Map.of()), Duration.ZERO,
                MAX_WAIT, new dev.pilotspc.core.readiness.ReadinessPolicy()), null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(100_000);
        send(m("g", 1000, 4, "G1"));
        assertEquals("5", field(points().get(0), "usl"), "charted before the topic's own record arrived");
        send(m("f", 2000, 10.0, "F1"));
        assertEquals(DeadLetter.UNKNOWN_FEATURE, deadLetters().get(0).reason, "the tombstone outweighs the file");

        harness.processBroadcastElement(new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 6}"), 0);
        send(m("g", 3000, 4, "G2"));
        assertEquals("6", field(points().get(1), "usl"), "the topic's records override what was read at the start");
    }

    private static DefinitionUpdate at(int partition, long offset, DefinitionUpdate update) {
        update.partition = partition;
        update.offset = offset;
        return update;
    }

    @Test
    void theTopicsOlderRecordsReadAgainDoNotOverrideTheStartDefinition() throws Exception {
        // the topic holds g twice (usl 5 at offset 0, usl 6 at offset 1: a head not compacted yet); the
        // read when the job was built ended at offset 2 and folded them to usl 6
        start(new MonitorFunction(FEATURES, "test.yaml",
                new PublishedDefinitions(Map.of("g", "{\"feature\": \"g\", \"usl\": 6}"), Map.of(0, 2L)),
                Duration.ZERO, MAX_WAIT, new dev.pilotspc.core.readiness.ReadinessPolicy()), null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(100_000);
        send(m("g", 1000, 4, "G1"));
        assertEquals("6", field(points().get(0), "usl"));
        // the job's own read starts at the topic's beginning: it meets the older record first
        harness.processBroadcastElement(at(0, 0, new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 5}")), 0);
        send(m("g", 2000, 4, "G2"));
        assertEquals("6", field(points().get(1), "usl"), "a record the build-time read met changes nothing");
        harness.processBroadcastElement(at(0, 1, new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 6}")), 0);
        harness.processBroadcastElement(at(0, 2, new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 7}")), 0);
        send(m("g", 3000, 4, "G3"));
        assertEquals("7", field(points().get(2), "usl"), "a record published after the build applies");
        harness.processBroadcastElement(at(0, 1, new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 6}")), 0);
        send(m("g", 4000, 4, "G4"));
        assertEquals("6", field(points().get(3), "usl"),
                "what a restored run stored before the build is older than the start definition: it goes");
        harness.processBroadcastElement(at(0, 1, new DefinitionUpdate("g", "{\"feature\": \"g\", \"lsl\": 9, \"usl\": 3}")), 0);
        assertEquals(DeadLetter.INVALID_DEFINITION, deadLetters().get(0).reason, "an invalid record is a dead letter wherever it lies");
    }

    /** A new run (restored from {@code snapshot} unless null) built with these published definitions. */
    private void runWith(PublishedDefinitions published, OperatorSubtaskState snapshot) throws Exception {
        start(new MonitorFunction(FEATURES, "test.yaml", published, Duration.ZERO, MAX_WAIT,
                new dev.pilotspc.core.readiness.ReadinessPolicy()), snapshot);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(100_000);
    }

    @Test
    void theStartDefinitionsOutliveARestoreIntoAGraphBuiltWithoutTheTopic() throws Exception {
        // the first run started with g from the topic (offset 0); its source read that record and passed it
        runWith(new PublishedDefinitions(Map.of("g", "{\"feature\": \"g\", \"usl\": 5}"), Map.of(0, 1L)), null);
        harness.processBroadcastElement(at(0, 0, new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 5}")), 0);
        send(m("g", 1000, 4, "G1"));
        // restored into a graph built with --features-topic-timeout 0 (or while Kafka was slow):
        // its source resumes past offset 0 and never meets g again
        runWith(PublishedDefinitions.NONE, harness.snapshot(1, 1));
        send(m("g", 2000, 4, "G2"));
        assertEquals(List.of(), deadLetters(), "charted as by an uninterrupted run");
        assertEquals("5", field(points().get(0), "usl"));
    }

    @Test
    void restoredChartsHearACriticalFlagThatChangedWhileTheJobWasDown() throws Exception {
        // f charted critical (the file's definition); while the job was down f was published
        // non-critical; the new graph starts with that, and its source then meets the record
        runWith(new PublishedDefinitions(Map.of(), Map.of(0, 0L)), null);
        send(m("f", 1000, 10.0, "P1"));
        assertTrue(verdicts().get(0).critical);
        String noncritical = "{\"feature\": \"f\", \"lsl\": 9, \"usl\": 11, \"critical\": false}";
        runWith(new PublishedDefinitions(Map.of("f", noncritical), Map.of(0, 1L)), harness.snapshot(1, 1));
        harness.processBroadcastElement(at(0, 0, new DefinitionUpdate("f", noncritical)), 0);
        List<FeatureVerdict> verdicts = verdicts();
        assertEquals(1, verdicts.size(), "an uninterrupted run releases f's batches at that record: " + verdicts);
        assertEquals(false, verdicts.get(0).critical);
        harness.processBroadcastElement(at(0, 0, new DefinitionUpdate("f", noncritical)), 0);
        assertEquals(1, verdicts().size(), "told once");
    }

    @Test
    void appliesDefinitionsPublishedWhileRunningAndTombstones() throws Exception {
        openWithTheWatermarkAhead(Duration.ZERO);
        harness.processBroadcastElement(new DefinitionUpdate("g", "{\"feature\": \"g\", \"usl\": 5}"), 0);
        send(m("g", 1000, 4, "G1"));
        assertEquals(1, points().size());
        assertEquals("5", field(points().get(0), "usl"));

        send(m("f", 2000, 10.0, "F1"));
        assertEquals("11", field(points().get(1), "usl"));
        harness.processBroadcastElement(new DefinitionUpdate("f",
                "{\"feature\": \"f\", \"lsl\": 9, \"usl\": 10.5, \"limits\": {\"mean\": 10, \"sigma\": 0.1}}"), 0);
        send(m("f", 3000, 10.0, "F2"));
        assertEquals("10.5", field(points().get(2), "usl"), "a spec change applies to the next point");
        assertEquals("2i", field(points().get(2), "n"), "and keeps the chart");

        harness.processBroadcastElement(new DefinitionUpdate("f", null), 0);
        send(m("f", 4000, 10.0, "F3"));
        assertEquals(DeadLetter.UNKNOWN_FEATURE, deadLetters().get(0).reason, "a tombstone removes the feature");

        harness.processBroadcastElement(new DefinitionUpdate("h", "{\"feature\": \"h\", \"lsl\": 3, \"usl\": 1}"), 0);
        assertEquals(DeadLetter.INVALID_DEFINITION, deadLetters().get(1).reason);
    }

    private List<FeatureVerdict> verdicts() {
        return harness.getSideOutput(MonitorFunction.VERDICTS).stream().map(r -> r.getValue()).collect(Collectors.toList());
    }

    @Test
    void tellsTheBatchVerdictAtOnceWhenAFeatureStopsOrStartsCounting() throws Exception {
        openWithTheWatermarkAhead(Duration.ZERO);
        send(m("f", 1000, 10.0, "P1"));
        assertEquals(1, verdicts().size());
        assertTrue(verdicts().get(0).critical);

        harness.processBroadcastElement(new DefinitionUpdate("f",
                "{\"feature\": \"f\", \"lsl\": 9, \"usl\": 11, \"critical\": false}"), 0);
        FeatureVerdict released = verdicts().get(1);
        assertEquals(List.of("f", "B1", "insufficient_data", false, 100_000 * MS),
                List.of(released.feature, released.batch, released.verdict, released.critical, released.tsNanos));
        harness.processBroadcastElement(new DefinitionUpdate("f", "{\"feature\": \"f\", \"usl\": 12}"), 0);
        assertTrue(verdicts().get(2).critical, "critical again (the default)");
        harness.processBroadcastElement(new DefinitionUpdate("f", null), 0);
        assertEquals(false, verdicts().get(3).critical, "a removed feature no longer counts");
        harness.processBroadcastElement(new DefinitionUpdate("f", null), 0);
        assertEquals(4, verdicts().size(), "nothing changed");
    }

    @Test
    void resendsAnUnchangedVerdictEveryHalfStateTtlSoTheBatchKnowsTheChartLives() throws Exception {
        openWithTheWatermarkAhead(Duration.ofHours(1));
        harness.setProcessingTime(0);
        send(m("f", 1000, 10.0, "P1"));
        harness.setProcessingTime(Duration.ofMinutes(20).toMillis());
        send(m("f", 2000, 10.0, "P2"));
        assertEquals(1, verdicts().size(), "unchanged and recent: not resent");
        harness.setProcessingTime(Duration.ofMinutes(31).toMillis());
        send(m("f", 3000, 10.0, "P3"));
        assertEquals(2, verdicts().size(), "half an hour since it was sent: resent");
        assertEquals(verdicts().get(0).verdict, verdicts().get(1).verdict);
    }

    @Test
    void alertsOnViolationsAndStateChanges() throws Exception {
        openWithTheWatermarkAhead(Duration.ZERO);
        send(m("f", 1000, 10.0, "P1"));
        send(m("f", 2000, 10.5, "P2"));
        List<String> alerts = harness.getSideOutput(MonitorFunction.ALERTS).stream()
                .map(r -> ((Alert) r.getValue()).json).collect(Collectors.toList());
        assertTrue(alerts.get(0).contains("\"type\":\"state\"") && alerts.get(0).contains("\"state\":\"in_control\""));
        assertTrue(alerts.stream().anyMatch(a -> a.contains("\"type\":\"violation\"") && a.contains("\"rule\":\"WE1\"")
                && a.contains("\"ucl\":10.3")), alerts.toString());
        assertTrue(alerts.stream().anyMatch(a -> a.contains("\"previous_state\":\"in_control\"")
                && a.contains("\"state\":\"out_of_control\"")));
    }

    @Test
    void chartsWhatWaitsWhenTheWatermarkStallsButNotWhileItMoves() throws Exception {
        openAtProcessingTimeZeroWithWatermark(500);
        send(m("f", 1000, 10.0, "P1"));
        send(m("f", 3000, 10.0, "P3"));
        harness.setProcessingTime(4000);
        harness.processWatermark(1500);
        assertEquals(1, points().size(), "P1 by its event-time timer");
        harness.setProcessingTime(5000);
        assertEquals(1, points().size(), "the watermark moved since P3 came: it waits up to another max-wait");
        harness.setProcessingTime(10_000);
        assertEquals(2, points().size(), "no watermark progress for the whole wait: charted anyway");
        send(m("f", 2000, 10.0, "P2"));
        assertEquals(DeadLetter.LATE, deadLetters().get(0).reason);
        assertTrue(deadLetters().get(0).detail.startsWith("event time before the last charted measurement of f batch "),
                deadLetters().get(0).detail);
    }

    @Test
    void chartsWhatWaitedMaxWaitWhenTheWatermarkMovesButLags() throws Exception {
        // another source's event time trails by hours (a gauge clock behind, or epoch seconds read
        // as milliseconds): the job's watermark still moves, 1 ms a second, but never reaches this chart
        openAtProcessingTimeZeroWithWatermark(500);
        for (int s = 0; s < 60; s++) {
            harness.setProcessingTime(s * 1000L);
            harness.processWatermark(500 + s);
            send(m("f", 10_000 + s * 1000L, 10.0, "P" + s));
        }
        List<String> charted = points().stream().map(p -> field(p, "part")).collect(Collectors.toList());
        assertTrue(charted.size() >= 60 - 2 * 5 && charted.size() < 60, "each waited at most twice max-wait: " + charted.size());
        for (int i = 0; i < charted.size(); i++) {
            assertEquals("\"P" + i + "\"", charted.get(i), "in event-time order");
        }
        send(m("f", 10_500, 10.0, "early"));
        assertEquals(DeadLetter.LATE, deadLetters().get(0).reason, "before the chart's last point: late");
        long waiting = 60 - charted.size();
        send(m("f", 10_000 + 59_000 - 500, 10.0, "between"));
        harness.processWatermark(600);
        for (long t = 60_000; t <= 59_000 + 2 * MAX_WAIT.toMillis(); t += 1000) {
            harness.setProcessingTime(t);
        }
        assertEquals(charted.size() + waiting + 1, points().size(), "the rest in time too");
        assertEquals("\"between\"", field(points().get(points().size() - 2), "part"), "still in event-time order");
        assertEquals(1, deadLetters().size());
    }

    @Test
    void waitsForTheWatermarkAgainAfterARestoreBeforeChartingWhatWaits() throws Exception {
        // the job was down longer than the wait: the stall timer is overdue when state comes back,
        // before the sources have replayed what followed (here P1b, out of order within the bound)
        openAtProcessingTimeZeroWithWatermark(500);
        send(m("f", 2000, 10.0, "P2"));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        open(snapshot);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.setProcessingTime(60_000);
        assertEquals(0, points().size(), "not charted while the restored job has no watermark yet");
        send(m("f", 1500, 10.0, "P1b"));
        harness.processWatermark(2500);
        assertEquals(List.of("\"P1b\"", "\"P2\""), points().stream().map(p -> field(p, "part")).collect(Collectors.toList()));
        assertEquals(List.of(), deadLetters());
    }

    @Test
    void judgesRestoredChartsByTheReadinessOptionsOfTheNewRun() throws Exception {
        openWithTheWatermarkAhead(Duration.ZERO);
        for (int i = 1; i <= 6; i++) {
            send(m("f", 1000 * i, 10.0 + (i % 2) * 0.01, "P" + i));
        }
        restore(harness.snapshot(1, 1), new dev.pilotspc.core.readiness.ReadinessPolicy(3, 1.33, false, 0));
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(100_000);
        send(m("f", 7000, 10.0, "P7"));
        String readiness = harness.extractOutputValues().stream().flatMap(b -> Arrays.stream(b.text().split("\n")))
                .filter(l -> l.startsWith("spc_readiness")).findFirst().orElseThrow();
        assertEquals("\"ready\"", field(readiness, "verdict"), "--ready-min-parts 3 of the new run: " + readiness);
    }

    @Test
    void forgetsAChartIdleLongerThanTheStateTtl() throws Exception {
        openWithTheWatermarkAhead(Duration.ofHours(1));
        harness.setStateTtlProcessingTime(0);
        send(m("f", 1000, 10.0, "P1"));
        harness.setStateTtlProcessingTime(Duration.ofMinutes(59).toMillis());
        send(m("f", 2000, 10.0, "P2"));
        assertEquals("2i", field(points().get(1), "n"), "within the TTL the chart continues");
        harness.setStateTtlProcessingTime(Duration.ofMinutes(59 + 61).toMillis());
        send(m("f", 3000, 10.0, "P3"));
        assertEquals("1i", field(points().get(2), "n"), "after an idle hour the batch starts a new chart");
    }

    /**
     * The job was down longer than the state TTL while a measurement waited: the chart expired with
     * what waited in it, whether the overdue stall timer or a new measurement comes first after the
     * restore (the waiting ones must not start the new chart).
     */
    @Test
    void measurementsWaitingInAChartThatExpiredWhileTheJobWasDownGoWithIt() throws Exception {
        Duration ttl = Duration.ofHours(1);
        open(null, ttl);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.setStateTtlProcessingTime(0);
        harness.setProcessingTime(0);
        harness.processWatermark(500);
        send(m("f", 400, 10.0, "P0"));
        send(m("f", 2000, 10.1, "P2"));
        assertEquals(1, points().size(), "P2 waits");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        start(new MonitorFunction(FEATURES, "test.yaml", ttl, MAX_WAIT), snapshot);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.setStateTtlProcessingTime(Duration.ofHours(2).toMillis()); // down two hours: the chart expired
        send(m("f", 3000, 10.2, "P3")); // before the overdue stall timer fires
        harness.processWatermark(5000);
        List<String> points = points();
        assertEquals(List.of("\"P3\""), points.stream().map(l -> field(l, "part")).toList(), "as when the stall timer comes first");
        assertEquals("1i", field(points.get(0), "n"), "a new chart");
    }

    /**
     * Earlier versions kept the waiting measurements in the chart's state: restored, they are moved
     * to the waiting list when the chart next looks at what waits, and charted in event-time order
     * with those that arrive after the restore.
     */
    @Test
    void measurementsWaitingInTheChartStateOfAnEarlierVersionAreChartedInOrder() throws Exception {
        openAtProcessingTimeZeroWithWatermark(500);
        KeyState earlier = new KeyState();
        earlier.pending = new MeasurementRecord[] {m("f", 1000, 10.0, "P1"), m("f", 3000, 10.2, "P3"), null, null};
        earlier.pendingCount = 2;
        harness.getOperator().setCurrentKey(MeasurementRecord.chartKey("f", "B1"));
        harness.getOperator().getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("chart", Types.POJO(KeyState.class))).update(earlier);
        send(m("f", 2000, 10.1, "P2"));
        assertEquals(List.of(), points(), "all wait for the watermark");
        harness.processWatermark(5000);
        List<String> points = points();
        assertEquals(List.of("\"P1\"", "\"P2\"", "\"P3\""), points.stream().map(l -> field(l, "part")).toList());
        assertEquals(List.of("1i", "2i", "3i"), points.stream().map(l -> field(l, "n")).toList());
    }

    @Test
    void restoredStateContinuesTheCharts() throws Exception {
        open(null);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        send(m("f", 1000, 10.0, "P1"));
        send(m("f", 2000, 10.1, "P2"));
        harness.processWatermark(1500);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        open(snapshot);
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        harness.processWatermark(5000);
        send(m("f", 3000, 10.2, "P3"));
        List<String> points = points();
        assertEquals(2, points.size(), "the pending P2 and the new P3");
        assertEquals("2i", field(points.get(0), "n"));
        assertEquals("3i", field(points.get(1), "n"));
        send(m("f", 1000, 10.0, "P1"));
        assertEquals(DeadLetter.DUPLICATE, deadLetters().get(0).reason, "dedup state survives the restore");
    }
}
