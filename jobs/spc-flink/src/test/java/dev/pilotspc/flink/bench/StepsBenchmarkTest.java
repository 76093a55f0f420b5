package dev.pilotspc.flink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepsBenchmarkTest {

    @Test
    void printsTheCostOfEachStepAndTheBytesWrittenPerMeasurement() throws Exception {
        List<String> lines = BenchOutput.run(() -> StepsBenchmark.run(new String[] {"--records", "3000", "--features", "20",
            "--rounds", "3"}), "round ", "ns_per_measurement=");
        assertEquals(4, lines.size(), lines.toString());
        String last = lines.get(3);
        assertTrue(last.matches("ns_per_measurement=\\d+ parse=\\d+ engine=\\d+ line_protocol=\\d+ bytes=\\d+"), last);
        // every measurement of the bench's I-MR features (limits known, EWMA, CUSUM) writes 4+ lines of results
        long bytes = Long.parseLong(last.replaceAll(".*bytes=(\\d+)", "$1"));
        assertTrue(bytes > 900 && bytes < 2000, "bytes per measurement " + bytes);
    }
}
