package dev.pilotspc.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detection benchmark's JSON against published run lengths, within its own Monte-Carlo error. */
class DetectionBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void runLengthsAgreeWithPublishedValuesWithinMonteCarloError() throws Exception {
        Path json = dir.resolve("detection.json");
        DetectionBenchmark.main(new String[] {"--runs", "3000", "--seed", "5", "--json", json.toString()});
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode row : new ObjectMapper().readTree(json.toFile())) {
            rows.put(row.get("chart").asText() + "/" + row.get("rules").size() + "/" + row.get("shift").asDouble(), row);
        }
        assertEquals(20, rows.size(), "three charts (two Shewhart rule sets) at shifts 0, 0.5, 1, 1.5, 2");
        // Montgomery §5.3.3 (Shewhart), Champ & Woodall 1987 (WE rules), Montgomery Table 9.3 (CUSUM k 0.5 h 5)
        Object[][] published = {
            {"shewhart/1/0.0", 370.4}, {"shewhart/1/1.0", 43.89}, {"shewhart/1/2.0", 6.30},
            {"shewhart/4/0.0", 91.75}, {"cusum/1/0.0", 465.0}, {"cusum/1/0.5", 38.0}, {"cusum/1/1.0", 10.4},
            {"cusum/1/2.0", 4.01},
        };
        for (Object[] p : published) {
            JsonNode row = rows.get((String) p[0]);
            double arl = row.get("arl").asDouble();
            double se = row.get("arl_stderr").asDouble();
            assertTrue(Math.abs(arl - (double) p[1]) < 4 * se + 0.01 * (double) p[1],
                    p[0] + ": " + arl + " ± " + se + " vs " + p[1]);
        }
        assertEquals(3.0, rows.get("shewhart/4/1.0").get("sigmas").asDouble(), "Shewhart limits at 3 sigma");
        assertTrue(rows.get("shewhart/1/1.0").get("lambda").isNull(), "no lambda for a Shewhart chart");
        // exact (time-varying) EWMA limits: a little below the asymptotic ARL0 ≈ 500 of Lucas & Saccucci
        double ewma0 = rows.get("ewma/1/0.0").get("arl").asDouble();
        assertTrue(ewma0 > 440 && ewma0 < 520, "EWMA ARL0 " + ewma0);
    }
}
