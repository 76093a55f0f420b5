package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.flink.records.FeatureVerdict;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batch verdict: ready only when every critical feature is; non-critical features don't count. */
class BatchReadinessFunctionTest {

    private static FeatureVerdict v(String feature, String verdict, boolean critical) {
        boolean ready = verdict.equals("ready");
        return new FeatureVerdict(1, "B", feature, verdict, critical, ready, ready);
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

    @Test
    void namesTheFirstTenFeaturesByNameAndCountsTheRest() {
        List<FeatureVerdict> features = new ArrayList<>();
        for (int i = 24; i >= 0; i--) {
            features.add(v(String.format("f%02d", i), "not_ready", true));
        }
        Collections.shuffle(features, new Random(3));
        features.add(v("g", "ready", true));
        ReadinessResult r = BatchReadinessFunction.verdict(1, "B", features);
        assertEquals(ReadinessResult.NOT_READY, r.verdict());
        assertEquals("not ready: 25 features (f00, f01, f02, f03, f04, f05, f06, f07, f08, f09 and 15 more)",
                r.reasons());
    }

    @Test
    void theTallyKeptPerChangeGivesTheVerdictOfAllLatestVerdicts() {
        // each feature's new verdict replaces its last one in the tally; the result must be what a
        // plain recount of every feature's latest verdict gives, through any sequence of changes
        Random random = new Random(12);
        java.util.Map<String, FeatureVerdict> latest = new java.util.HashMap<>();
        dev.pilotspc.flink.records.BatchTally tally = new dev.pilotspc.flink.records.BatchTally();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String feature = "f" + random.nextInt(6);
            int roll = random.nextInt(10);
            String verdict = roll < 7 ? "ready" : roll < 9 ? "not_ready" : "insufficient_data";
            FeatureVerdict next = new FeatureVerdict(i, "B", feature, verdict, random.nextInt(5) > 0,
                    random.nextInt(8) > 0, random.nextInt(8) > 0);
            FeatureVerdict previous = latest.put(feature, next);
            if (previous != null) {
                tally.remove(previous);
            }
            tally.add(next);
            ReadinessResult expected = recount(i, latest.values());
            assertEquals(expected, BatchReadinessFunction.verdict(i, "B", tally, null), "after change " + i);
            seen.add(expected.verdict() + (expected.stable() ? " stable" : "") + (expected.capable() ? " capable" : ""));
        }
        assertTrue(seen.containsAll(List.of("ready stable capable", "ready", "not_ready stable capable",
                "insufficient_data")), "every kind of batch state reached: " + seen);
    }

    /** The batch verdict counted afresh from every feature's latest verdict (the rule in README). */
    private static ReadinessResult recount(long ts, java.util.Collection<FeatureVerdict> features) {
        List<String> notReady = new ArrayList<>();
        List<String> insufficient = new ArrayList<>();
        int critical = 0;
        boolean stable = true;
        boolean capable = true;
        for (FeatureVerdict f : features) {
            if (f.critical) {
                critical++;
                stable &= f.stable;
                capable &= f.capable;
                if (f.verdict.equals("not_ready")) {
                    notReady.add(f.feature);
                } else if (f.verdict.equals("insufficient_data")) {
                    insufficient.add(f.feature);
                }
            }
        }
        Collections.sort(notReady);
        Collections.sort(insufficient);
        List<String> reasons = new ArrayList<>();
        if (critical == 0) {
            reasons.add("no critical feature measured yet");
        }
        if (!notReady.isEmpty()) {
            reasons.add("not ready: " + String.join(", ", notReady));
        }
        if (!insufficient.isEmpty()) {
            reasons.add("insufficient data: " + String.join(", ", insufficient));
        }
        String verdict = critical == 0 || !insufficient.isEmpty() ? "insufficient_data"
                : !notReady.isEmpty() ? "not_ready" : "ready";
        if (verdict.equals("ready")) {
            reasons.add("all " + critical + " critical features ready");
        }
        boolean decided = critical > 0 && insufficient.isEmpty();
        return new ReadinessResult(ts, new dev.pilotspc.core.result.Tags("*", "B", null, null), verdict,
                decided && stable, decided && capable, String.join("; ", reasons), null, null);
    }
}
