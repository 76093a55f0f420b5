package dev.pilotspc.flink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.ResultBatch;
import dev.pilotspc.flink.report.LineProtocolReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloorJobTest {

    @TempDir
    Path dir;

    /** The output floor writes what the job writes for a charted point: the contract's four lines, as many fields. */
    @Test
    void floorWithResultsWritesTheFourResultLinesOfEachMeasurement() throws Exception {
        double[] values = {10.01, 9.97, 10.04};
        try (KeyedOneInputStreamOperatorTestHarness<String, MeasurementRecord, ResultBatch> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new FloorJob.ResultsPerFeature(), r -> r.feature,
                        Types.STRING)) {
            for (int i = 0; i < values.length; i++) {
                MeasurementRecord r = new MeasurementRecord();
                r.tsNanos = (1_764_000_000_000L + i) * 1_000_000L;
                r.feature = "f1";
                r.batch = "B1";
                r.part = "P" + i;
                r.value = values[i];
                harness.processElement(r, r.tsMillis());
            }
            List<ResultBatch> out = harness.extractOutputValues();
            assertEquals(values.length, out.size());
            Path file = dir.resolve("floor.lp");
            Files.write(file, out.get(2).bytes());
            List<LineProtocolReader.Line> lines = LineProtocolReader.read(file);
            assertEquals(List.of("spc_point", "spc_capability", "spc_status", "spc_readiness"),
                    lines.stream().map(LineProtocolReader.Line::measurement).toList());
            assertTrue(lines.stream().allMatch(l -> l.tags().get("feature").equals("f1") && l.tags().get("batch").equals("B1")
                    && l.tsNanos() == (1_764_000_000_000L + 2) * 1_000_000L), lines.toString());
            LineProtocolReader.Line point = lines.get(0);
            assertEquals(10.04, point.number("x"));
            assertEquals(3, point.number("n"));
            assertEquals(0.07, point.number("disp"), 1e-12); // |10.04 - 9.97|
            LineProtocolReader.Line capability = lines.get(1);
            assertEquals((10.01 + 9.97 + 10.04) / 3, capability.number("mean"), 1e-12);
            assertEquals(3, capability.number("n"));
            // as many numbers as the job's lines for an I-MR chart with EWMA and CUSUM (~1.2 KB a measurement)
            assertEquals(23, point.fields().size(), point.fields().toString());
            assertEquals(17, capability.fields().size(), capability.fields().toString());
        }
    }
}
