package dev.pilotspc.flink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipelineBenchmarkITCase {

    private static final Pattern LAST_LINE = Pattern.compile("job_per_s=(\\d+) consumer_per_s=(\\d+) floor_per_s=(\\d+) "
            + "ratio=(\\d+\\.\\d{3}) floor_ratio=(\\d+\\.\\d{3}) p99_latency_ms=(\\d+)");

    private static final Pattern ROUND_LINE = Pattern.compile("floor .*\\((\\d+\\.\\d) µs CPU each\\)  job .*\\((\\d+\\.\\d) µs CPU each\\)");

    @Test
    void endsWithTheContractsLineOfRatesAndAlertLatency() throws Exception {
        List<String> output = BenchOutput.run(() -> PipelineBenchmark.run(new String[] {"--records", "20000", "--features",
            "50", "--rounds", "1", "--latency-seconds", "2", "--output-floor"}), "round 1:", "floor + ", "job_per_s=");
        List<String> lines = output.stream().filter(l -> l.startsWith("job_per_s=")).toList();
        assertEquals(1, lines.size(), output.toString());
        // the round's line gives each phase's CPU per measurement
        Matcher cpu = ROUND_LINE.matcher(output.get(0));
        assertTrue(cpu.find() && Double.parseDouble(cpu.group(1)) > 0 && Double.parseDouble(cpu.group(2)) > 0,
                output.get(0));
        // --output-floor: the floor writing the four result lines, timed in the round and in the table
        assertTrue(output.get(0).contains("floor+results "), output.get(0));
        assertTrue(output.stream().anyMatch(l -> l.matches("floor \\+ 4 result lines, no charts +[\\d,]+ +\\d+\\.\\d\\d "
                + "+\\(\\d+\\.\\d\\d of the floor\\)")), output.toString());
        Matcher m = LAST_LINE.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        double job = Double.parseDouble(m.group(1));
        double consumer = Double.parseDouble(m.group(2));
        double floor = Double.parseDouble(m.group(3));
        assertTrue(job > 0 && consumer > 0 && floor > 0, lines.get(0));
        // the ratios are the printed rates' quotients (rounded to 3 decimals)
        assertEquals(job / consumer, Double.parseDouble(m.group(4)), 0.0006, lines.get(0));
        assertEquals(job / floor, Double.parseDouble(m.group(5)), 0.0006, lines.get(0));
        // the latency phase's outliers raise WE1 alerts: some arrived, within the phase
        long p99 = Long.parseLong(m.group(6));
        assertTrue(p99 > 0 && p99 < 10_000, lines.get(0));
    }
}
