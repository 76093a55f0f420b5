package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.flink.records.BatchTally;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.ResultBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch verdict operator: verdicts applied in event-time order at the watermark, and its tally rebuilt when missing. */
class BatchReadinessHarnessTest {

    /** The batch lines state the readiness criteria (here the defaults). */
    private static final String CRITERIA = "criteria=\"" + new ReadinessPolicy().describe() + "\",";

    private KeyedOneInputStreamOperatorTestHarness<String, FeatureVerdict, ResultBatch> harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void open() throws Exception {
        open(Duration.ZERO, Duration.ZERO, null);
    }

    private void open(Duration maxWait, Duration stateTtl, OperatorSubtaskState restoreFrom) throws Exception {
        if (harness != null) {
            harness.close();
        }
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BatchReadinessFunction(maxWait, stateTtl, new ReadinessPolicy())), v -> v.batch, Types.STRING);
        StateBackend backend = stateBackend();
        if (backend != null) {
            harness.setStateBackend(backend);
        }
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    /** The keyed state backend of every test: null for the harness's heap backend ({@link BatchReadinessRocksDbTest}). */
    StateBackend stateBackend() {
        return null;
    }

    /** Keys with state, summed over the function's states (the harness counts entries of the heap backend only). */
    private long stateEntries() throws Exception {
        long entries = 0;
        for (String state : List.of("feature-verdicts", "batch-tally", "batch-verdict", "batch-verdict-time", "pending-verdicts",
                "stall-timer", "stall-watermark", "stall-up-to", "last-active", "idle-check")) {
            try (Stream<?> keys = harness.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                entries += keys.count();
            }
        }
        return entries;
    }

    private static FeatureVerdict verdict(long ms, String feature, String verdict) {
        boolean ready = verdict.equals("ready");
        return new FeatureVerdict(ms * 1_000_000L, "B", feature, verdict, true, ready, ready);
    }

    /** The batch lines written since the last call. */
    private List<String> lines() {
        List<String> lines = harness.extractOutputValues().stream()
                .map(b -> new String(b.lines, 0, b.length, StandardCharsets.UTF_8).strip())
                .collect(Collectors.toList());
        harness.getOutput().clear();
        return lines;
    }

    @Test
    void appliesVerdictsInEventTimeOrderWhenTheWatermarkPassesThem() throws Exception {
        open();
        harness.processElement(verdict(5, "b", "not_ready"), 5);
        harness.processElement(verdict(3, "a", "ready"), 3);
        assertEquals(List.of(), lines(), "nothing before the watermark");
        harness.processWatermark(10);
        List<String> lines = lines();
        assertEquals(2, lines.size());
        assertEquals("spc_readiness,batch=B,feature=* capable=true," + CRITERIA + "reasons=\"all 1 critical features ready\","
                + "stable=true,verdict=\"ready\" 3000000", lines.get(0));
        assertEquals("spc_readiness,batch=B,feature=* capable=false," + CRITERIA + "reasons=\"not ready: b\","
                + "stable=false,verdict=\"not_ready\" 5000000", lines.get(1));
    }

    @Test
    void aVerdictArrivingAfterLaterOnesTakesTheBatchsLatestTime() throws Exception {
        // b's subgroup (last measurement at 2 ms) is closed by a measurement after a's verdicts at 3
        // and 4 ms: its verdict reaches the batch after theirs; a line stamped 2 ms would show the
        // batch's state at 4 ms before a was measured
        open();
        harness.processElement(verdict(3, "a", "insufficient_data"), 3);
        harness.processElement(verdict(4, "a", "not_ready"), 4);
        harness.processWatermark(4);
        assertEquals(List.of(3000000L, 4000000L), times(lines()));
        harness.processElement(verdict(2, "b", "ready"), 2);
        harness.processWatermark(5);
        List<String> late = lines();
        assertEquals(List.of(4000000L), times(late), "at the batch's latest time, not 2 ms: " + late);
        assertTrue(late.get(0).contains("reasons=\"not ready: a\""), late.get(0));
        harness.processElement(verdict(6, "a", "ready"), 6);
        harness.processWatermark(6);
        assertEquals(List.of(6000000L), times(lines()), "later verdicts keep their own time");
    }

    private static List<Long> times(List<String> lines) {
        return lines.stream().map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).toList();
    }

    @Test
    void rebuildsItsTallyFromTheFeatureVerdictsWhenStateHasNone() throws Exception {
        // state written before the tally existed holds the feature verdicts only
        open();
        harness.processElement(verdict(1, "a", "ready"), 1);
        harness.processElement(verdict(2, "b", "not_ready"), 2);
        harness.processWatermark(2);
        lines();
        harness.getOperator().setCurrentKey("B");
        harness.getOperator().getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("batch-tally", Types.POJO(BatchTally.class))).clear();

        harness.processElement(verdict(3, "b", "ready"), 3);
        harness.processWatermark(3);
        assertEquals(List.of("spc_readiness,batch=B,feature=* capable=true," + CRITERIA + "reasons=\"all 2 critical features ready\","
                + "stable=true,verdict=\"ready\" 3000000"), lines());
    }

    @Test
    void appliesWhatWaitedMaxWaitEvenWhileTheWatermarkMovesButNotRightAfterARestore() throws Exception {
        open(Duration.ofSeconds(5), Duration.ZERO, null);
        harness.setProcessingTime(0);
        harness.processWatermark(1);
        harness.processElement(verdict(3, "a", "ready"), 3);
        harness.setProcessingTime(4000);
        harness.processWatermark(2);
        harness.processElement(verdict(4, "c", "ready"), 4);
        harness.setProcessingTime(5000);
        List<String> first = lines();
        assertEquals(List.of(3000000L), times(first), "a waited 5 s; the watermark moves but lags (a source's clock behind)");
        assertTrue(first.get(0).contains("reasons=\"all 1 critical features ready\""), first.get(0));
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);

        open(Duration.ofSeconds(5), Duration.ZERO, snapshot);
        harness.setProcessingTime(60_000);
        assertEquals(List.of(), lines(), "a restored job has no watermark yet: wait for it");
        harness.processElement(verdict(2, "b", "not_ready"), 2);
        harness.setProcessingTime(65_000);
        assertEquals(List.of(3000000L, 4000000L), times(lines()), "no watermark for the whole wait: all applied, b at the batch's latest time");
    }

    @Test
    void forgetsABatchHeardNothingOfForTwiceTheStateTtlButKeepsOneItsChartsStillResend() throws Exception {
        open(Duration.ZERO, Duration.ofHours(1), null);
        harness.setProcessingTime(0);
        harness.processElement(verdict(1, "a", "not_ready"), 1);
        harness.processElement(verdict(2, "b", "ready"), 2);
        harness.processWatermark(2);
        assertEquals(2, lines().size());
        // a living chart may be silent for up to 1.5 TTL (it resends only when it charts a point,
        // half a TTL after its last message): an unchanged resend gives no batch line, keeps the batch
        harness.setProcessingTime(Duration.ofMinutes(80).toMillis());
        harness.processElement(verdict(3, "b", "ready"), 3);
        harness.processWatermark(3);
        harness.setProcessingTime(Duration.ofMinutes(130).toMillis());
        assertEquals(List.of(), lines());
        assertTrue(stateEntries() > 0, "heard of 50 minutes ago: kept");
        harness.processElement(verdict(4, "b", "not_ready"), 4);
        harness.processWatermark(4);
        assertEquals(List.of("spc_readiness,batch=B,feature=* capable=false," + CRITERIA + "reasons=\"not ready: a, b\","
                + "stable=false,verdict=\"not_ready\" 4000000"), lines(), "a's verdict is still counted");

        harness.setProcessingTime(Duration.ofMinutes(249).toMillis());
        assertTrue(stateEntries() > 0, "silent for less than twice the TTL: kept");
        harness.setProcessingTime(Duration.ofMinutes(251).toMillis());
        assertEquals(0, stateEntries(), "nothing heard for twice the TTL: forgotten");
        harness.processElement(verdict(6, "b", "ready"), 6);
        harness.processWatermark(6);
        assertEquals(List.of("spc_readiness,batch=B,feature=* capable=true," + CRITERIA + "reasons=\"all 1 critical features ready\","
                + "stable=true,verdict=\"ready\" 6000000"), lines(), "a new start");
    }

    @Test
    void appliesWhatWaitsEvenWhenTheIdleCheckFallsOnTheSameMillisecond() throws Exception {
        open(Duration.ofSeconds(5), Duration.ofSeconds(20), null);
        harness.setProcessingTime(0);
        harness.processWatermark(1);
        harness.processElement(verdict(2, "a", "ready"), 2); // idle check due at 20 s
        harness.setProcessingTime(5000); // the watermark stays: applied
        assertEquals(1, lines().size());
        harness.setProcessingTime(15_000);
        harness.processElement(verdict(3, "a", "not_ready"), 3); // stall timer due at 20 s too
        harness.setProcessingTime(20_000);
        assertEquals(1, lines().size(), "applied at 20 s, not only when the batch is forgotten");
    }
}
