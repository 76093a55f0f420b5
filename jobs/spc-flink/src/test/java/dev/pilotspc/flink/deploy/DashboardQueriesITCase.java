package dev.pilotspc.flink.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.cli.ReplayCommand;
import dev.pilotspc.flink.sim.Scenario;
import dev.pilotspc.flink.sim.Simulator;
import dev.pilotspc.flink.testing.InfluxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every provisioned dashboard on the results runs against a real InfluxDB (1.6.7,
 * InfluxQL) loaded with a replay of the tool-wear scenario, with template variables substituted as Grafana does,
 * and returns the series its panel draws.
 */
class DashboardQueriesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    private static final Path DASHBOARDS = Path.of("../../grafana/dashboards").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BATCH = "PB-TW-01";
    private static final String FEATURE = "housing.bore_diameter";

    @TempDir
    static Path dir;

    static InfluxServer influx;

    @BeforeAll
    static void loadTheScenarios() throws Exception {
        influx = InfluxServer.start("spc");
        for (String name : List.of("tool-wear", "stable")) {
            Scenario scenario = Scenario.load(name);
            StringBuilder records = new StringBuilder();
            Simulator.generate(scenario, Simulator.DEFAULT_T0).forEach(r -> records.append(r.value()).append('\n'));
            Path input = Files.writeString(dir.resolve(name + ".jsonl"), records);
            StringBuilder features = new StringBuilder();
            scenario.features.forEach(f -> features.append("- ").append(f.definitionJson()).append('\n'));
            Path featuresFile = Files.writeString(dir.resolve(name + ".yaml"), features);
            assertEquals(0, ReplayCommand.run(new String[] {"--features", featuresFile.toString(), "--input",
                input.toString(), "--influx-url", influx.url(), "--influx-db", "spc", "--output",
                dir.resolve(name + ".lp").toString()}));
        }
    }

    /**
     * The provisioned alert rules as Grafana (9.1 and later) loads them: a rule's query model
     * ({@code data[].model}) and its annotations are taken as written, without the environment
     * variable expansion (and its {@code $$} escape) that the other fields get — so a {@code $$} there
     * reaches InfluxDB or the notification template unchanged.
     */
    private static JsonNode provisionedRules() throws Exception {
        return new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(
                Files.readString(DASHBOARDS.resolve("../provisioning/alerting/rules.yaml"))).get("groups").get(0).get("rules");
    }

    /**
     * Each alert rule's query as Grafana's InfluxQL backend runs it ($timeFilter over the batches),
     * reduced to the last value per series and compared with the rule's threshold: the rules that
     * fire, by rule uid, batch and feature.
     */
    private static java.util.Set<String> firing() throws Exception {
        java.util.Set<String> fired = new java.util.TreeSet<>();
        for (JsonNode rule : provisionedRules()) {
            JsonNode data = rule.get("data");
            assertEquals("spc-influxdb", data.get(0).get("datasourceUid").asText());
            JsonNode condition = data.get(2).get("model").get("conditions").get(0).get("evaluator");
            double threshold = condition.get("params").get(0).asDouble();
            for (JsonNode series : run(data.get(0).get("model").get("query").asText()).path("series")) {
                JsonNode values = series.get("values");
                double last = values.get(values.size() - 1).get(1).asDouble();
                boolean fires = condition.get("type").asText().equals("gt") ? last > threshold : last < threshold;
                if (fires) {
                    fired.add(rule.get("uid").asText() + " " + series.get("tags").get("batch").asText() + " "
                            + series.get("tags").get("feature").asText());
                }
            }
        }
        return fired;
    }

    @Test
    void alertRulesFireOnTheInjectedFaultsAndNotOnTheStableBatch() throws Exception {
        java.util.Set<String> fired = firing();
        assertTrue(fired.contains("spc-out-of-control PB-TW-01 housing.bore_diameter"), fired.toString());
        assertTrue(fired.contains("spc-out-of-control PB-TW-01 shaft.length"), fired.toString());
        assertTrue(fired.contains("spc-drift PB-TW-01 housing.bore_diameter"), fired.toString());
        assertTrue(fired.contains("spc-capability-low PB-TW-01 housing.bore_diameter"), fired.toString());
        assertTrue(fired.stream().noneMatch(f -> f.contains("PB-STABLE-01")), "the stable batch raises nothing: " + fired);
    }

    /**
     * Grafana refuses a provisioned rule whose annotations carry {@code __dashboardUid__} without
     * {@code __panelId__} ("both annotations ... must be specified"), and a failed alerting provisioning
     * stops Grafana at start; an annotation template with {@code $$labels} does not parse. A rule's link
     * to a panel ({@code dashboardUid} + {@code panelId}) must name a provisioned dashboard and panel.
     */
    @Test
    void alertRulesAreValidAsGrafanaProvisionsThem() throws Exception {
        java.util.Map<String, JsonNode> dashboards = new java.util.HashMap<>();
        for (Path file : dashboards()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            dashboards.put(dashboard.get("uid").asText(), dashboard);
        }
        for (JsonNode rule : provisionedRules()) {
            String uid = rule.get("uid").asText();
            JsonNode annotations = rule.path("annotations");
            assertEquals(annotations.has("__dashboardUid__"), annotations.has("__panelId__"),
                    uid + ": __dashboardUid__ and __panelId__ go together (else Grafana does not start)");
            annotations.properties().forEach(a -> assertFalse(a.getValue().asText().contains("$$"),
                    uid + " annotation " + a.getKey() + " is not expanded by provisioning: $$ stays and breaks the template"));
            assertFalse(rule.path("data").toString().contains("$$"), uid + ": the query model is not expanded: $$ reaches InfluxDB");
            if (rule.has("dashboardUid")) {
                JsonNode dashboard = dashboards.get(rule.get("dashboardUid").asText());
                assertTrue(dashboard != null, uid + ": no dashboard " + rule.get("dashboardUid"));
                List<Integer> panels = new ArrayList<>();
                dashboard.path("panels").forEach(p -> panels.add(p.get("id").asInt()));
                assertTrue(panels.contains(rule.path("panelId").asInt(-1)), uid + ": panelId not in " + panels);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        influx.close();
    }

    /**
     * Grafana's substitution: {@code ${var:regex}} is the value regex-escaped (the plain {@code $var}
     * would not be escaped for a value that starts like a number, e.g. batch {@code 2025/118});
     * $timeFilter is the range.
     */
    private static String substitute(String query) {
        long from = Simulator.DEFAULT_T0 - 3_600_000L;
        long to = Simulator.DEFAULT_T0 + 86_400_000L;
        return query.replace("$timeFilter", "time >= " + from + "ms and time <= " + to + "ms")
                .replace("${batch:regex}", regexEscape(BATCH))
                .replace("${feature:regex}", regexEscape(FEATURE))
                .replace("$__interval", "1s");
    }

    /** As Grafana's {@code regex} format escapes a variable's value. */
    private static String regexEscape(String value) {
        return value.replaceAll("([\\\\^$.|?*+()\\[\\]{}/])", "\\\\$1");
    }

    /**
     * The dashboards on the results in InfluxDB (those whose panels read the InfluxDB datasource); the
     * pipeline-health dashboard reads Prometheus and has its own test (HealthDashboardITCase).
     */
    private static List<Path> dashboards() throws Exception {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<Path> influx = new ArrayList<>();
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                if (JSON.readTree(file.toFile()).path("panels").path(0).path("datasource").path("type").asText().equals("influxdb")) {
                    influx.add(file);
                }
            }
            assertTrue(influx.size() >= 4, "the results dashboards: " + influx);
            return influx;
        }
    }

    private static JsonNode run(String query) throws Exception {
        JsonNode result = influx.query("spc", substitute(query)).path("results").path(0);
        assertFalse(result.has("error"), query + " -> " + result);
        return result;
    }

    private static List<String> selected(String query) {
        Matcher m = Pattern.compile("SELECT (.*?) FROM").matcher(query);
        assertTrue(m.find(), query);
        List<String> names = new ArrayList<>();
        for (String part : m.group(1).split(",")) {
            Matcher as = Pattern.compile("AS \"([^\"]+)\"").matcher(part);
            names.add(as.find() ? as.group(1) : part.trim().replace("\"", ""));
        }
        return names;
    }

    @Test
    void everyPanelQueryReturnsTheSeriesItDraws() throws Exception {
        int queries = 0;
        for (Path file : dashboards()) {
            for (JsonNode panel : JSON.readTree(file.toFile()).path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String query = target.get("query").asText();
                    JsonNode series = run(query).path("series");
                    assertTrue(series.size() > 0, file.getFileName() + " / " + panel.get("title").asText() + ": no data for "
                            + substitute(query));
                    List<String> columns = new ArrayList<>();
                    series.get(0).get("columns").forEach(c -> columns.add(c.asText()));
                    assertTrue(columns.containsAll(selected(query)), panel.get("title") + ": " + columns);
                    queries++;
                }
            }
        }
        assertTrue(queries >= 7, "queries run: " + queries);
    }

    /**
     * A stat panel shows numeric fields only unless its {@code reduceOptions.fields} names others
     * (Grafana's field display: "No data" otherwise): a stat whose query returns text (the batch
     * verdict) must name that field.
     */
    @Test
    void statPanelsShowTheirTextValues() throws Exception {
        int texts = 0;
        for (Path file : dashboards()) {
            for (JsonNode panel : JSON.readTree(file.toFile()).path("panels")) {
                if (!panel.path("type").asText().equals("stat")) {
                    continue;
                }
                String fields = panel.path("options").path("reduceOptions").path("fields").asText("");
                for (JsonNode target : panel.path("targets")) {
                    JsonNode series = run(target.get("query").asText()).path("series").get(0);
                    JsonNode row = series.get("values").get(0);
                    for (int i = 1; i < row.size(); i++) {
                        if (row.get(i).isTextual()) {
                            String column = series.get("columns").get(i).asText();
                            texts++;
                            assertTrue(fields.length() > 2 && Pattern.compile(fields.substring(1, fields.length() - 1))
                                    .matcher(column).find(), panel.get("title") + ": text field " + column
                                    + " is not shown by a stat unless reduceOptions.fields names it (is '" + fields + "')");
                        }
                    }
                }
            }
        }
        assertTrue(texts > 0, "the batch verdict is text");
    }

    @Test
    void outOfControlPointsShowWhereTheDriftWasInjected() throws Exception {
        JsonNode chart = JSON.readTree(DASHBOARDS.resolve("feature-control-chart.json").toFile());
        String ooc = chart.get("panels").get(0).get("targets").get(1).get("query").asText();
        JsonNode values = run(ooc).path("series").get(0).get("values");
        assertTrue(values.size() > 20, "the drift from part 60 is flagged: " + values.size() + " points");
    }

    @Test
    void variablesAndAnnotationsResolveFromTheData() throws Exception {
        for (Path file : dashboards()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                JsonNode values = run(variable.get("query").asText()).path("series").get(0).get("values");
                List<String> found = new ArrayList<>();
                values.forEach(v -> found.add(v.get(1).asText()));
                assertTrue(found.contains(variable.get("name").asText().equals("batch") ? BATCH : FEATURE),
                        variable.get("name") + ": " + found);
            }
            for (JsonNode annotation : dashboard.path("annotations").path("list")) {
                assertTrue(run(annotation.get("target").get("query").asText()).path("series").size() > 0);
            }
        }
    }

    /**
     * The overview judges the whole batch: its violation count equals the batch's {@code spc_violation}
     * lines in the replayed results, also when the dashboard's time range shows only its last hour.
     */
    @Test
    void overviewCountsTheWholeBatchWhateverTheTimeRange() throws Exception {
        long violations = Files.readAllLines(dir.resolve("tool-wear.lp")).stream()
                .filter(l -> l.startsWith("spc_violation,") && l.contains("batch=" + BATCH + ",")).count();
        JsonNode overview = JSON.readTree(DASHBOARDS.resolve("batch-overview.json").toFile());
        String query = null;
        for (JsonNode panel : overview.get("panels")) {
            if (panel.get("title").asText().equals("Violations")) {
                query = panel.get("targets").get(0).get("query").asText();
            }
        }
        long lastHour = Simulator.DEFAULT_T0 + 86_400_000L;
        String narrowed = substitute(query.replace("$timeFilter", "time >= " + (lastHour - 3_600_000L) + "ms"));
        JsonNode count = influx.query("spc", narrowed).path("results").path(0).path("series").get(0).get("values").get(0).get(1);
        assertTrue(violations > 100, "the tool-wear batch has violations: " + violations);
        assertEquals(violations, count.asLong(), narrowed);
    }

    /**
     * The overview's "Last result" shows the time of the batch's latest charted measurement (the
     * stat shows its Time field): the newest {@code spc_status} line of the batch in the replayed results.
     */
    @Test
    void overviewShowsWhenTheBatchWasLastCharted() throws Exception {
        long newest = Files.readAllLines(dir.resolve("tool-wear.lp")).stream()
                .filter(l -> l.startsWith("spc_status,") && l.contains("batch=" + BATCH + ","))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).max().orElseThrow();
        JsonNode overview = JSON.readTree(DASHBOARDS.resolve("batch-overview.json").toFile());
        JsonNode last = null;
        for (JsonNode panel : overview.get("panels")) {
            if (panel.get("title").asText().equals("Last result")) {
                last = panel;
            }
        }
        assertEquals("/^Time$/", last.get("options").get("reduceOptions").get("fields").asText());
        assertEquals("dateTimeFromNow", last.get("fieldConfig").get("defaults").get("unit").asText());
        long time = run(last.get("targets").get(0).get("query").asText()).path("series").get(0).get("values").get(0).get(0).asLong();
        assertEquals(newest, time, "epoch ns of the batch's latest result");
    }

    /**
     * Variables reach a query only regex-escaped ({@code ${batch:regex}}: Grafana leaves a plain
     * {@code $batch} unescaped when the value starts like a number) and a link only URL-encoded
     * ({@code ${batch:queryparam}}, {@code :percentencode}), so ids such as {@code 2025/118} or
     * {@code PB 07/A&B} select their own batch.
     */
    @Test
    void variablesAreEscapedInQueriesAndLinks() throws Exception {
        Pattern bare = Pattern.compile("\\$(batch|feature)\\b|\\$\\{(batch|feature)}|\\$\\{__data\\.fields\\.\\w+}");
        int links = 0;
        for (Path file : dashboards()) {
            String text = Files.readString(file);
            Matcher m = bare.matcher(text);
            assertFalse(m.find(), () -> file.getFileName() + ": unescaped variable " + m.group());
            for (JsonNode url : JSON.readTree(text).findValues("url")) {
                assertTrue(!url.asText().contains("var-batch") && url.asText().contains("${batch:queryparam}"),
                        file.getFileName() + ": " + url);
                links++;
            }
        }
        assertTrue(links >= 2, "the overview links to the feature chart");
    }

    @Test
    void everyQueryUsesTheProvisionedDatasource() throws Exception {
        for (Path file : dashboards()) {
            List<JsonNode> datasources = JSON.readTree(file.toFile()).findValues("datasource");
            assertTrue(datasources.size() >= 3, file + ": panels, targets and variables name their datasource");
            for (JsonNode datasource : datasources) {
                assertEquals("spc-influxdb", datasource.path("uid").asText(), file + ": " + datasource);
                assertEquals("influxdb", datasource.path("type").asText(), file + ": " + datasource);
            }
        }
    }
}
