package dev.pilotspc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.Rule;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.ViolationResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Control charts are location-scale equivariant: a + b·x moves the limits with the data and changes no rule hit. */
class FeatureMonitorPropertiesTest {

    private static List<SpcResult> run(ChartType chart, double a, double b) {
        FeatureConfig c = FeatureMonitorStateTest.everythingOn(chart);
        c.rules = Rule.nelson() | Rule.westernElectric();
        c.lsl = a + b * c.lsl;
        c.usl = a + b * c.usl;
        c.target = a + b * c.target;
        FeatureMonitor monitor = new FeatureMonitor(c);
        List<SpcResult> out = new ArrayList<>();
        for (Measurement m : FeatureMonitorStateTest.stream(300, 3)) {
            Measurement t = new Measurement(m.tsNanos(), m.feature(), m.batch(), a + b * m.value(), m.part(),
                    m.subgroup(), m.line(), m.station(), m.gauge(), m.operator());
            monitor.update(t, out);
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"IMR, 1000, 1", "IMR, -3, 250", "XBAR_R, 7.5, 0.001", "XBAR_S, 0, 40"})
    void shiftingAndScalingDataMovesLimitsAndKeepsRuleHits(ChartType chart, double a, double b) {
        List<SpcResult> base = run(chart, 0, 1);
        List<SpcResult> moved = run(chart, a, b);
        assertEquals(base.size(), moved.size());
        List<PointResult> p0 = MonitorFixtures.ofType(base, PointResult.class);
        List<PointResult> p1 = MonitorFixtures.ofType(moved, PointResult.class);
        int violations = 0;
        for (int i = 0; i < p0.size(); i++) {
            assertEquals(p0.get(i).rules(), p1.get(i).rules(), "rules at point " + (i + 1));
            if (!Double.isNaN(p0.get(i).ucl())) {
                assertEquals(a + b * p0.get(i).ucl(), p1.get(i).ucl(), 1e-9 * Math.abs(b) * 30);
                assertEquals(b * p0.get(i).sigma(), p1.get(i).sigma(), 1e-9 * Math.abs(b));
            }
            violations += p0.get(i).ooc() ? 1 : 0;
        }
        assertTrue(violations > 0, "the data has violations to compare");
        LimitsResult l0 = MonitorFixtures.ofType(base, LimitsResult.class).get(0);
        LimitsResult l1 = MonitorFixtures.ofType(moved, LimitsResult.class).get(0);
        assertEquals(a + b * l0.cl(), l1.cl(), 1e-9 * (Math.abs(a) + Math.abs(b) * 30));
        assertEquals(b * l0.dispUcl(), l1.dispUcl(), 1e-9 * Math.abs(b));
        assertEquals(MonitorFixtures.ofType(base, ViolationResult.class).stream().map(ViolationResult::rule).toList(),
                MonitorFixtures.ofType(moved, ViolationResult.class).stream().map(ViolationResult::rule).toList());
    }
}
