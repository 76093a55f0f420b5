package dev.pilotspc.flink.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Scenario scenario(String yaml) throws Exception {
        return Scenario.load(Files.writeString(dir.resolve("s.yaml"), yaml).toString());
    }

    private static final String BASE = """
            name: t
            seed: 3
            batch: B
            parts: 400
            rate: 100
            stations: [s1, s2]
            features:
              - {feature: a, lsl: 0, usl: 20, mean: 10, sigma: 1}
            """;

    /** Values of feature a by part, for records passing the filter. */
    private static List<double[]> values(Scenario s, Predicate<Simulator.Record> keep) throws Exception {
        List<double[]> out = new ArrayList<>();
        for (Simulator.Record r : Simulator.generate(s, Simulator.DEFAULT_T0)) {
            if (keep.test(r) && r.fault() == null) {
                JsonNode n = JSON.readTree(r.value());
                out.add(new double[] {r.part(), n.get("value").asDouble(), n.get("station").asText().equals("s2") ? 1 : 0});
            }
        }
        return out;
    }

    private static double mean(List<double[]> v, int from, int to) {
        return v.stream().filter(x -> x[0] >= from && x[0] < to).mapToDouble(x -> x[1]).average().orElseThrow();
    }

    @Test
    void sameSeedGivesTheSameRecordsAndAnotherSeedOthers() throws Exception {
        Scenario s = Scenario.load("incapable");
        assertEquals(Simulator.generate(s, 0), Simulator.generate(s, 0));
        Scenario other = scenario(BASE.replace("seed: 3", "seed: 4"));
        assertNotEquals(Simulator.generate(scenario(BASE), 0), Simulator.generate(other, 0));
    }

    @Test
    void meanShiftAndDriftShowFromTheirPart() throws Exception {
        List<double[]> shifted = values(scenario(BASE + "faults:\n  - {type: shift, feature: a, from_part: 200, size: 3}\n"),
                r -> true);
        assertEquals(10, mean(shifted, 1, 200), 0.3);
        assertEquals(13, mean(shifted, 200, 401), 0.3);
        List<double[]> drifting = values(scenario(BASE + "faults:\n  - {type: drift, feature: a, from_part: 201, per_part: 0.05}\n"),
                r -> true);
        assertEquals(10, mean(drifting, 1, 201), 0.3);
        assertEquals(10 + 0.05 * 100.5, mean(drifting, 201, 401), 0.3); // mean of 1..200 steps
    }

    @Test
    void varianceOutliersAndStationOffsetShow() throws Exception {
        List<double[]> wide = values(scenario(BASE + "faults:\n  - {type: variance, feature: a, from_part: 201, factor: 3}\n"),
                r -> true);
        double sdAfter = Math.sqrt(wide.stream().filter(x -> x[0] > 200).mapToDouble(x -> (x[1] - 10) * (x[1] - 10))
                .average().orElseThrow());
        assertEquals(3, sdAfter, 0.4);
        List<double[]> outliers = values(scenario(BASE + "faults:\n  - {type: outliers, feature: a, from_part: 1, rate: 0.05, size: 8}\n"),
                r -> true);
        long far = outliers.stream().filter(x -> Math.abs(x[1] - 10) > 5).count();
        assertTrue(far >= 8 && far <= 35, "about 5 % of 400 beyond 5 sigma: " + far);
        List<double[]> offset = values(scenario(BASE
                + "faults:\n  - {type: station_offset, feature: a, station: s2, offset: 2, from_part: 1}\n"), r -> true);
        double s1 = offset.stream().filter(x -> x[2] == 0).mapToDouble(x -> x[1]).average().orElseThrow();
        double s2 = offset.stream().filter(x -> x[2] == 1).mapToDouble(x -> x[1]).average().orElseThrow();
        assertEquals(2, s2 - s1, 0.35);
    }

    @Test
    void deliveryFaultsChangeTheRecordsAsDeclared() throws Exception {
        Scenario s = scenario(BASE + """
                delivery: {malformed: 0.05, missing_field: 0.05, non_finite: 0.05, duplicates: 0.05, out_of_order: 0.05, late: 0.05}
                """);
        List<Simulator.Record> records = Simulator.generate(s, 0);
        Map<String, Long> faults = records.stream().filter(r -> r.fault() != null)
                .collect(Collectors.groupingBy(Simulator.Record::fault, Collectors.counting()));
        assertEquals(Map.of(), faults.entrySet().stream().filter(e -> e.getValue() < 5 || e.getValue() > 40)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "each about 5 % of 400: " + faults);
        for (Simulator.Record r : records) {
            switch (r.fault() == null ? "" : r.fault()) {
                case "malformed" -> assertThrows(Exception.class, () -> JSON.readTree(r.value()));
                case "missing_field" -> assertTrue(!JSON.readTree(r.value()).has("value"));
                case "non_finite" -> assertTrue(Double.isInfinite(JSON.readTree(r.value()).get("value").asDouble()));
                case "late" -> assertEquals(Math.round(400 * 1000.0 / 100) + Simulator.LATE_AFTER_MS, r.sendAtMs());
                default -> {
                }
            }
        }
        assertEquals(400 + faults.get("duplicate"), records.size(), "late and out-of-order records are moved, not lost");
    }

    @Test
    void rejectsBadScenariosWithTheirProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE + "faults:\n  - {type: wobble, feature: a}\n"));
        assertTrue(e.getMessage().contains("unknown fault type 'wobble'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE.replace("lsl: 0, usl: 20", "lsl: 20, usl: 0")));
        assertTrue(e.getMessage().contains("lsl"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE + "faults:\n  - {type: shift, feature: a}\n"));
        assertTrue(e.getMessage().contains("a shift fault on 'a' needs 'size'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE + "delivery: {duplicate: 0.1}\n"));
        assertTrue(e.getMessage().contains("unknown delivery fault 'duplicate'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE + "delivery: {late: 2}\n"));
        assertTrue(e.getMessage().contains("rate per record, 0..1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scenario(BASE + "faults: [\n"));
        assertTrue(e.getMessage().contains("not valid YAML: line"), e.getMessage());
    }
}
