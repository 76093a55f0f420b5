package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pilotspc.flink.records.BatchTally;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.ResultBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batch verdict operator: verdicts applied in event-time order at the watermark, and its tally rebuilt when missing. */
class BatchReadinessHarnessTest {

    private KeyedOneInputStreamOperatorTestHarness<String, FeatureVerdict, ResultBatch> harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new BatchReadinessFunction(Duration.ZERO),
                v -> v.batch, Types.STRING);
    }

    private static FeatureVerdict verdict(long ms, String feature, String verdict) {
        boolean ready = verdict.equals("ready");
        return new FeatureVerdict(ms * 1_000_000L, "B", feature, verdict, true, "", ready, ready);
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
        assertEquals("spc_readiness,batch=B,feature=* capable=true,reasons=\"all 1 critical features ready\","
                + "stable=true,verdict=\"ready\" 3000000", lines.get(0));
        assertEquals("spc_readiness,batch=B,feature=* capable=false,reasons=\"not ready: b\","
                + "stable=false,verdict=\"not_ready\" 5000000", lines.get(1));
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
        assertEquals(List.of("spc_readiness,batch=B,feature=* capable=true,reasons=\"all 2 critical features ready\","
                + "stable=true,verdict=\"ready\" 3000000"), lines());
    }
}
