package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.config.ChartType;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chart state written by an earlier version (commit 1ea6cc5, before per-point subgroup sizes and
 * baseline arrival hits were kept; how it was written: resources/state-migration/README.md) restores
 * through Flink's POJO schema evolution and charts on exactly as an uninterrupted run of this version.
 */
class StateMigrationTest {

    @ParameterizedTest
    @CsvSource({"keystate-imr-baseline.bin, imr, 20", "keystate-xbar-r-monitor.bin, xbar_r, 60"})
    void stateOfAnEarlierVersionRestoresAndChartsOn(String file, String chart, int charted) throws Exception {
        Fixture<KeyState> fixture = read(file, KeyState.class);
        assertFalse(fixture.compatibility().isIncompatible(), "the state backend can migrate it");
        KeyState restored = fixture.restored();

        FeatureConfig config = "imr".equals(chart) ? imr() : xbarR();
        KeyState continuous = new KeyState();
        continuous.monitor = new FeatureMonitor(config, new ReadinessPolicy());
        chart(continuous, config, 0, charted);
        assertSameResults(lines(continuous, config, charted, charted + 60), lines(restored, config, charted, charted + 60));
    }

    /**
     * Line by line the same, numbers to 1e-11 relative (1e-12 absolute near 0): a restored chart keeps the running sums it
     * had (e.g. capability's, from before they were kept relative to the first value), so its last
     * digits may differ from a chart started with this version's arithmetic.
     */
    private static void assertSameResults(List<String> expected, List<String> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).split("[ ,=]");
            String[] a = actual.get(i).split("[ ,=]");
            assertEquals(e.length, a.length, actual.get(i));
            for (int j = 0; j < e.length; j++) {
                if (!e[j].equals(a[j])) {
                    // integers (counts, timestamps) exactly; floats to the tolerance
                    assertTrue(e[j].matches("-?[0-9.]+(E-?[0-9]+)?") && (e[j].contains(".") || e[j].contains("E")),
                            "field " + j + " of " + actual.get(i) + ": " + e[j]);
                    double x = Double.parseDouble(e[j]);
                    double y = Double.parseDouble(a[j]);
                    assertEquals(x, y, 1e-11 * Math.abs(x) + 1e-12, "field " + j + " of " + actual.get(i));
                }
            }
        }
    }

    /**
     * A chart of commit a795d9e with three measurements waiting for the watermark: its records (no
     * keyBytes field then) and its ring of remembered measurements (a recentHead then) restore.
     */
    @Test
    void waitingMeasurementsOfAnEarlierVersionRestore() throws Exception {
        Fixture<KeyState> fixture = read("keystate-pending.bin", KeyState.class);
        assertFalse(fixture.compatibility().isIncompatible());
        KeyState restored = fixture.restored();
        assertEquals(3, restored.pendingCount);
        for (int i = 0; i < 3; i++) {
            MeasurementRecord r = restored.pending[i];
            assertEquals(1_764_000_000_000_000_000L + (10 + i) * 1_000_000_000L, r.tsNanos);
            assertEquals("SN" + (10 + i), r.part);
            assertEquals("bore", r.key);
            assertEquals(null, r.keyBytes);
            assertTrue(r.raw.startsWith("{\"ts\":"), r.raw);
        }
        assertEquals(10, restored.recentSize);
        MeasurementRecord copy = new MeasurementRecord();
        copy.tsNanos = 1_764_000_000_000_000_000L + 9 * 1_000_000_000L;
        copy.value = 10 + 0.01 * Math.sin(9);
        copy.part = "SN9";
        assertTrue(restored.isDuplicate(copy), "the last charted measurement is still known");
    }

    /** The batch verdict's state of commit a795d9e, whose FeatureVerdict still had a reasons field. */
    @Test
    void aFeatureVerdictWithTheRemovedReasonsFieldRestores() throws Exception {
        Fixture<FeatureVerdict> fixture = read("featureverdict-with-reasons.bin", FeatureVerdict.class);
        assertTrue(fixture.compatibility().isCompatibleAfterMigration(), "a removed field: migrated, not incompatible");
        FeatureVerdict restored = fixture.restored();
        TypeSerializer<FeatureVerdict> current = fixture.current();
        assertEquals("bore", restored.feature);
        assertEquals("PB-1", restored.batch);
        assertEquals("not_ready", restored.verdict);
        assertTrue(restored.critical && restored.stable && !restored.capable);
        // what the state backend does on migration: read with the old serializer, write with the current one
        DataOutputSerializer out = new DataOutputSerializer(256);
        current.serialize(restored, out);
        FeatureVerdict again = current.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(restored.tsNanos, again.tsNanos);
        assertEquals("not_ready", again.verdict);
    }

    /** A fixture read back: the current serializer, its compatibility with the written one, and the state as written. */
    private record Fixture<T>(TypeSerializer<T> current, TypeSerializerSchemaCompatibility<T> compatibility, T restored) {
    }

    /** Reads {@code file} (a serializer snapshot, then one value serialised with it) from resources/state-migration. */
    private <T> Fixture<T> read(String file, Class<T> type) throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/state-migration/" + file)) {
            assertNotNull(in, file);
            bytes = in.readAllBytes();
        }
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        TypeSerializerSnapshot<T> written = TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());
        TypeSerializer<T> current = Types.POJO(type).createSerializer(new SerializerConfigImpl());
        return new Fixture<>(current, current.snapshotConfiguration().resolveSchemaCompatibility(written),
                written.restoreSerializer().deserialize(in));
    }

    private static List<String> lines(KeyState state, FeatureConfig config, int from, int to) {
        List<String> lines = new ArrayList<>();
        for (SpcResult r : chart(state, config, from, to)) {
            lines.add(LineProtocol.toLine(r));
        }
        return lines;
    }

    /** Charts measurements from..to-1 of the fixture's sequence (as the generator did for 0..charted-1). */
    private static List<SpcResult> chart(KeyState state, FeatureConfig config, int from, int to) {
        List<SpcResult> out = new ArrayList<>();
        boolean individuals = config.chart == ChartType.IMR;
        for (int i = from; i < to; i++) {
            MeasurementRecord r = new MeasurementRecord();
            r.tsNanos = 1_764_000_000_000_000_000L + i * 1_000_000_000L;
            r.feature = config.feature;
            r.batch = "PB-1";
            r.value = (individuals ? 10 : 100) + (individuals ? 0.02 : 0.2) * Math.sin(1.7 * i + 0.3) * Math.cos(0.37 * i);
            r.part = "SN" + i;
            state.monitor.update(r.toMeasurement(), out);
            state.remember(r);
        }
        return out;
    }

    private static FeatureConfig imr() {
        FeatureConfig c = new FeatureConfig();
        c.feature = "bore";
        c.lsl = 9.9;
        c.usl = 10.1;
        c.baseline = 25;
        c.ewmaLambda = 0.2;
        c.ewmaSigmas = 2.962;
        c.cusumK = 0.5;
        c.cusumH = 5;
        return c;
    }

    private static FeatureConfig xbarR() {
        FeatureConfig c = new FeatureConfig();
        c.feature = "length";
        c.chart = ChartType.XBAR_R;
        c.subgroupSize = 4;
        c.baseline = 8;
        c.lsl = 99;
        c.usl = 101;
        return c;
    }
}
