package dev.pilotspc.flink.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards type-check against Grafana's own schema types (npm {@code @grafana/schema},
 * TypeScript 5; grafana/check/check-dashboards.mjs), and the check does catch a broken dashboard.
 */
class DashboardSchemaTest {

    private static final Path CHECK = Path.of("../../grafana/check").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private static String[] check(String... files) throws Exception {
        if (!Files.isDirectory(CHECK.resolve("node_modules/@grafana/schema"))) {
            throw new AssertionError("run `npm ci` in grafana/check first (.ci/run does)");
        }
        List<String> command = new ArrayList<>(List.of("node", "check-dashboards.mjs"));
        command.addAll(List.of(files));
        Process p = new ProcessBuilder(command).directory(CHECK.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), output};
    }

    @Test
    void everyDashboardMatchesGrafanasSchema() throws Exception {
        String[] result = check();
        assertEquals("0", result[0], result[1]);
        assertTrue(result[1].contains("0 problem(s)"), result[1]);
    }

    @Test
    void aDashboardWithAnUnknownKeyOrAWrongTypeFails() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode dashboard = (ObjectNode) json.readTree(
                CHECK.resolve("../dashboards/feature-control-chart.json").toFile());
        dashboard.put("refreshh", "5s");
        ((ObjectNode) dashboard.get("panels").get(1).get("gridPos")).put("h", "tall");
        Path broken = dir.resolve("broken.json");
        json.writeValue(broken.toFile(), dashboard);
        String[] result = check(broken.toString());
        assertEquals("1", result[0], result[1]);
        assertTrue(result[1].contains("'string' is not assignable to type 'number'"), result[1]);
    }
}
