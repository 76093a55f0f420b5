package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.flink.records.FeatureVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch verdict: ready only when every critical feature is; non-critical features don't count. */
class BatchReadinessFunctionTest {

    private static FeatureVerdict v(String feature, String verdict, boolean critical) {
        boolean ready = verdict.equals("ready");
        return new FeatureVerdict(1, "B", feature, verdict, critical, "why " + feature, ready, ready);
    }

    @Test
    void readyOnlyWhenEveryCriticalFeatureIs() {
        ReadinessResult r = BatchReadinessFunction.verdict(1, "B", List.of(v("a", "ready", true), v("b", "ready", true)));
        assertEquals(ReadinessResult.READY, r.verdict());
        assertEquals("*", r.tags().feature());
        assertEquals("all 2 critical features ready", r.reasons());
        assertTrue(r.stable() && r.capable());
        ReadinessResult notReady = BatchReadinessFunction.verdict(1, "B",
                List.of(v("a", "ready", true), v("b", "not_ready", true)));
        assertEquals(ReadinessResult.NOT_READY, notReady.verdict());
        assertEquals("not ready: b", notReady.reasons());
    }

    @Test
    void ignoresNonCriticalFeatures() {
        ReadinessResult r = BatchReadinessFunction.verdict(1, "B",
                List.of(v("a", "ready", true), v("cosmetic", "not_ready", false)));
        assertEquals(ReadinessResult.READY, r.verdict());
    }

    @Test
    void waitsForEveryCriticalFeatureToHaveEnoughData() {
        ReadinessResult r = BatchReadinessFunction.verdict(1, "B",
                List.of(v("a", "insufficient_data", true), v("b", "not_ready", true)));
        assertEquals(ReadinessResult.INSUFFICIENT_DATA, r.verdict());
        assertEquals("not ready: b; insufficient data: a", r.reasons());
        assertEquals(ReadinessResult.INSUFFICIENT_DATA,
                BatchReadinessFunction.verdict(1, "B", List.of(v("x", "ready", false))).verdict());
    }
}
