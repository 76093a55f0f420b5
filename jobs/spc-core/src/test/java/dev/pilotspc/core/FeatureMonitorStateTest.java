package dev.pilotspc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.result.SpcResult;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The monitor is plain data: it survives a round trip through a field-by-field serialiser mid-stream. */
class FeatureMonitorStateTest {

    private static final ObjectMapper FIELDS_ONLY = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);

    static FeatureConfig everythingOn(ChartType chart) {
        FeatureConfig c = new FeatureConfig();
        c.feature = "housing.bore_diameter";
        c.chart = chart;
        c.subgroupSize = chart == ChartType.IMR ? 1 : 4;
        c.baseline = chart == ChartType.IMR ? 25 : 10;
        c.lsl = 24.9;
        c.usl = 25.1;
        c.target = 25.0;
        c.ewmaLambda = 0.2;
        c.ewmaSigmas = 2.962;
        c.cusumK = 0.5;
        c.cusumH = 5;
        c.cusumHeadStart = 0.5;
        return c;
    }

    /** In control, then a 1.5-sigma shift, then a drift: every detector has work to do. */
    static List<Measurement> stream(int count, long seed) {
        Random random = new Random(seed);
        List<Measurement> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double mean = 25.0 + (i > 120 ? 0.03 : 0) + (i > 200 ? 0.002 * (i - 200) : 0);
            Measurement m = MonitorFixtures.measurement("housing.bore_diameter", i, mean + 0.02 * random.nextGaussian());
            list.add(m.withPart("SN-" + i));
        }
        return list;
    }

    @ParameterizedTest
    @CsvSource({"IMR, 10", "IMR, 25", "IMR, 26", "IMR, 150", "XBAR_R, 39", "XBAR_R, 41", "XBAR_S, 130"})
    void restoredMonitorContinuesWithIdenticalOutput(ChartType chart, int cut) throws Exception {
        List<Measurement> input = stream(260, 99);
        FeatureMonitor original = new FeatureMonitor(everythingOn(chart));
        List<SpcResult> discard = new ArrayList<>();
        for (Measurement m : input.subList(0, cut)) {
            original.update(m, discard);
        }
        String json = FIELDS_ONLY.writeValueAsString(original);
        FeatureMonitor restored = FIELDS_ONLY.readValue(json, FeatureMonitor.class);

        List<SpcResult> expected = new ArrayList<>();
        List<SpcResult> actual = new ArrayList<>();
        for (Measurement m : input.subList(cut, input.size())) {
            original.update(m, expected);
            restored.update(m, actual);
        }
        assertFalse(expected.isEmpty());
        assertEquals(expected, actual);
        assertEquals(FIELDS_ONLY.writeValueAsString(original), FIELDS_ONLY.writeValueAsString(restored));
    }

    @Test
    void everyStateClassFollowsThePojoRules() {
        // Flink's POJO serializer: public class, public no-arg constructor, public non-final fields
        List<Class<?>> pending = new ArrayList<>(List.of(FeatureMonitor.class));
        List<Class<?>> seen = new ArrayList<>();
        while (!pending.isEmpty()) {
            Class<?> type = pending.remove(0);
            if (seen.contains(type)) {
                continue;
            }
            seen.add(type);
            assertTrue(Modifier.isPublic(type.getModifiers()), type + " is public");
            assertTrue(Modifier.isPublic(assertDoesNotThrow(type).getModifiers()), type + " has a public no-arg constructor");
            for (Field f : type.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                    continue; // not state: Flink's POJO serializer leaves them out
                }
                assertTrue(Modifier.isPublic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()),
                        type.getSimpleName() + "." + f.getName() + " is public and not final");
                Class<?> ft = f.getType().isArray() ? f.getType().getComponentType() : f.getType();
                assertFalse(java.util.Collection.class.isAssignableFrom(ft) || java.util.Map.class.isAssignableFrom(ft),
                        type.getSimpleName() + "." + f.getName() + " avoids generic collections (Kryo)");
                if (ft.getPackageName().startsWith("dev.pilotspc") && !ft.isEnum()) {
                    pending.add(ft);
                }
            }
        }
        assertTrue(seen.size() >= 8, "walked the state classes: " + seen);
    }

    private static java.lang.reflect.Constructor<?> assertDoesNotThrow(Class<?> type) {
        try {
            return type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type + " has no public no-arg constructor", e);
        }
    }

    @ParameterizedTest
    @CsvSource({"IMR", "XBAR_R", "XBAR_S"})
    void resultsNeverContainNanOrInfinity(ChartType chart) throws Exception {
        // NaN means absent, so it is allowed only in the components that may be absent.
        Set<String> mayBeAbsent = Set.of("spc_point.cl", "spc_point.ucl", "spc_point.lcl", "spc_point.disp",
                "spc_point.dispCl", "spc_point.dispUcl", "spc_point.dispLcl", "spc_point.sigma", "spc_point.target",
                "spc_point.lsl", "spc_point.usl", "spc_point.ewma", "spc_point.ewmaUcl", "spc_point.ewmaLcl",
                "spc_point.cusumHi", "spc_point.cusumLo", "spc_point.cusumH", "spc_point.q",
                "spc_limits.dispCl", "spc_limits.dispUcl", "spc_limits.dispLcl",
                "spc_capability.sigmaWithin", "spc_capability.cp", "spc_capability.cpk", "spc_capability.cpu",
                "spc_capability.cpl", "spc_capability.pp", "spc_capability.ppk", "spc_capability.cpm",
                "spc_capability.cpLcl", "spc_capability.cpkLcl", "spc_capability.ppkLcl",
                "spc_capability.ppmExpectedWithin",
                "spc_drift.slope", "spc_drift.pValue", "spc_drift.shift", "spc_drift.partsToLimit");
        FeatureMonitor monitor = new FeatureMonitor(everythingOn(chart));
        List<SpcResult> out = new ArrayList<>();
        for (Measurement m : stream(400, 5)) {
            monitor.update(m, out);
        }
        // constant data: zero sigma everywhere
        FeatureMonitor flat = new FeatureMonitor(everythingOn(chart));
        for (int i = 0; i < 120; i++) {
            flat.update(MonitorFixtures.measurement("housing.bore_diameter", i, 25.0), out);
        }
        for (SpcResult r : out) {
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                Object v = rc.getAccessor().invoke(r);
                String name = r.measurement() + "." + rc.getName();
                if (v instanceof Double d) {
                    boolean absent = Double.isNaN(d) && mayBeAbsent.contains(name);
                    assertTrue(absent || Double.isFinite(d), name + " = " + d);
                }
            }
        }
        assertNotEquals(0, out.size());
    }
}
