package dev.pilotspc.flink.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.testing.InfluxServer;
import dev.pilotspc.flink.testing.KafkaBroker;
import dev.pilotspc.flink.testing.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline-health dashboard and the health alert rules against the metrics the job really
 * exports: the streaming job (real Kafka broker, real InfluxDB 1.x sink) runs with Flink's
 * Prometheus reporter configured as in docker/docker-compose.yml, a real Prometheus (Debian
 * {@code prometheus}) scrapes it, and every panel query and rule query runs against Prometheus's
 * HTTP API with Grafana's {@code $__rate_interval} and {@code $__interval} substituted as Grafana
 * derives them. Good and bad records arrive in two waves, the second after Prometheus has scraped
 * the job's dead-letter counters (registered at 0 when the job starts), so it is a rise of each.
 */
class HealthDashboardITCase {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/pipeline-health.json");
    private static final Path RULES = ROOT.resolve("grafana/provisioning/alerting/health-rules.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> REASONS = Set.of("invalid_json", "unknown_feature", "missing_field");
    private static final String DEAD_LETTERS_BY_REASON = "count by (reason) (label_replace("
            + "{__name__=~\"flink_taskmanager_job_task_operator_spc_dead_letters_.+\"}, \"reason\", \"$1\", \"__name__\", "
            + "\"flink_taskmanager_job_task_operator_spc_dead_letters_(.+)\"))";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    static Path dir;

    static InfluxServer influx;
    static PrometheusServer prometheus;
    static JobClient job;
    static long started;

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stack's reporter configuration (the jobmanager's {@code metrics.reporter.*} in
     * docker-compose.yml) as {@code --flink.*} options of the local runner, on a free port.
     */
    private static List<String> reporterOptions(int port) throws IOException {
        JsonNode compose = YAML.readTree(ROOT.resolve("docker/docker-compose.yml").toFile());
        JsonNode properties = YAML.readTree(compose.get("services").get("jobmanager").get("environment")
                .get("FLINK_PROPERTIES").asText());
        List<String> options = new ArrayList<>();
        properties.properties().forEach(p -> {
            if (p.getKey().startsWith("metrics.reporter.")) {
                options.add("--flink." + p.getKey() + "=" + (p.getKey().endsWith(".port") ? port : p.getValue().asText()));
            }
        });
        assertTrue(options.stream().anyMatch(o -> o.contains(".factory.class=")), "the stack configures a reporter: " + options);
        return options;
    }

    /** 20 good measurements of bore, and one dead letter each of invalid_json, unknown_feature and missing_field. */
    private static List<Map.Entry<String, String>> wave(long t0) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(Map.entry("bore", "{\"ts\":" + (t0 + i * 10) + ",\"feature\":\"bore\",\"batch\":\"PB-1\",\"value\":"
                    + (10 + (i % 3 - 1) * 0.05) + "}"));
        }
        records.add(Map.entry("bore", "{not json"));
        records.add(Map.entry("ghost", "{\"ts\":" + t0 + ",\"feature\":\"ghost\",\"value\":1}"));
        records.add(Map.entry("bore", "{\"ts\":" + t0 + ",\"feature\":\"bore\"}"));
        return records;
    }

    @BeforeAll
    static void runTheJobScrapedByPrometheus() throws Exception {
        influx = InfluxServer.start("spc");
        KAFKA.createJobTopics(2);
        int reporterPort = freePort();
        prometheus = PrometheusServer.start("flink", "127.0.0.1:" + reporterPort);
        Path features = Files.writeString(dir.resolve("features.yaml"), """
                - feature: bore
                  lsl: 9
                  usl: 11
                  limits: {mean: 10, sigma: 0.1}
                """);
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--features",
                features.toString(), "--group-id", "health", "--influx-url", influx.url(), "--influx-db", "spc",
                "--parallelism", "2", "--checkpoint-interval", "1s", "--idleness", "1s", "--max-wait", "1s"));
        args.addAll(reporterOptions(reporterPort));
        Options options = RunCommand.options().parse(args.toArray(new String[0]));
        StreamExecutionEnvironment env = RunCommand.environment(options);
        RunCommand.define(env, options);
        started = System.currentTimeMillis();
        job = env.executeAsync("pilot-spc");
        KAFKA.produce("spc.measurements", wave(System.currentTimeMillis()));
        // Prometheus has seen each reason's counter and a completed checkpoint ...
        prometheus.await(DEAD_LETTERS_BY_REASON, r -> reasons(r).containsAll(REASONS), Duration.ofSeconds(120));
        prometheus.await("flink_jobmanager_job_numberOfCompletedCheckpoints > 0", r -> r.size() > 0, Duration.ofSeconds(60));
        // ... so that the second wave is a rise of every counter
        KAFKA.produce("spc.measurements", wave(System.currentTimeMillis()));
    }

    private static Set<String> reasons(JsonNode result) {
        Set<String> reasons = new TreeSet<>();
        result.forEach(s -> reasons.add(s.path("metric").path("reason").asText()));
        return reasons;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (job != null) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        } finally {
            if (prometheus != null) {
                prometheus.close();
            }
            if (influx != null) {
                influx.close();
            }
        }
    }

    /**
     * Grafana's interval variables for a panel showing {@code range}: $__interval is the range over the
     * panel's data points (maxDataPoints, else about its width in pixels; 1000 here), at least the
     * datasource's scrape interval (its timeInterval); $__rate_interval is max($__interval + scrape
     * interval, 4 × scrape interval).
     */
    private static String substitute(String expr, Duration range) {
        long scrape = PrometheusServer.INTERVAL.toMillis();
        long interval = Math.max(range.toMillis() / 1000, scrape);
        long rateInterval = Math.max(interval + scrape, 4 * scrape);
        return expr.replace("$__rate_interval", rateInterval + "ms").replace("$__interval", interval + "ms")
                .replace("$__range", range.toSeconds() + "s");
    }

    /** The panel's query as Grafana runs it over the time since the job started: a matrix. */
    private static JsonNode rangeQuery(String expr) throws IOException {
        Duration range = Duration.ofMillis(System.currentTimeMillis() - started + 30_000);
        return prometheus.queryRange(substitute(expr, range), range, PrometheusServer.INTERVAL);
    }

    private static boolean hasData(JsonNode matrix) {
        for (JsonNode series : matrix) {
            if (series.path("values").size() > 0) {
                return true;
            }
        }
        return false;
    }

    private static double max(JsonNode series) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode v : series.path("values")) {
            max = Math.max(max, Double.parseDouble(v.get(1).asText()));
        }
        return max;
    }

    /** Polls a panel query until {@code done} holds for its matrix; fails with the last one after the deadline. */
    private static JsonNode awaitRange(String expr, java.util.function.Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            JsonNode matrix = rangeQuery(expr);
            if (done.test(matrix)) {
                return matrix;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": " + expr + " -> " + matrix);
            }
            Thread.sleep(250);
        }
    }

    private static List<JsonNode> panels() throws IOException {
        List<JsonNode> panels = new ArrayList<>();
        JSON.readTree(DASHBOARD.toFile()).path("panels").forEach(panels::add);
        return panels;
    }

    private static JsonNode rules() throws IOException {
        return YAML.readTree(Files.readString(RULES, StandardCharsets.UTF_8)).get("groups").get(0).get("rules");
    }

    @Test
    @Timeout(300)
    void everyPanelQueryReturnsData() throws Exception {
        int queries = 0;
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                awaitRange(expr, HealthDashboardITCase::hasData, panel.get("title").asText() + " / " + target.get("refId").asText()
                        + " has no data");
                queries++;
            }
        }
        assertTrue(queries >= 12, "queries run: " + queries);
    }

    @Test
    @Timeout(300)
    void theDeadLetterPanelShowsTheReasonsFedAndTheRatesOfTheRest() throws Exception {
        String expr = panels().get(0).get("targets").get(0).get("expr").asText();
        JsonNode matrix = awaitRange(expr, m -> {
            Set<String> rising = new TreeSet<>();
            m.forEach(s -> {
                if (max(s) > 0) {
                    rising.add(s.path("metric").path("reason").asText());
                }
            });
            return rising.containsAll(REASONS);
        }, "each reason fed rises in the dead-letter panel");
        Set<String> rising = new TreeSet<>();
        matrix.forEach(s -> {
            if (max(s) > 0) {
                rising.add(s.path("metric").path("reason").asText());
            }
        });
        assertEquals(REASONS, rising, "only the reasons fed rise");
        assertTrue(reasons(matrix).containsAll(DeadLetter.PARSE_REASONS) && reasons(matrix).containsAll(DeadLetter.CHART_REASONS),
                "one series per reason, named by its reason, from the start: " + reasons(matrix));
        JsonNode totals = panels().stream().filter(p -> p.get("title").asText().equals("Dead letters since the job (re)started"))
                .findFirst().orElseThrow();
        JsonNode counted = prometheus.await(totals.get("targets").get(0).get("expr").asText(), r -> {
            Map<String, Double> byReason = new HashMap<>();
            r.forEach(s -> byReason.put(s.path("metric").path("reason").asText(), Double.parseDouble(s.get("value").get(1).asText())));
            return REASONS.stream().allMatch(reason -> byReason.getOrDefault(reason, 0.0) == 2.0);
        }, Duration.ofSeconds(90));
        counted.forEach(s -> assertEquals(REASONS.contains(s.path("metric").path("reason").asText()) ? 2.0 : 0.0,
                Double.parseDouble(s.get("value").get(1).asText()), "two waves, one dead letter of each reason fed in each: " + s));
        for (String title : List.of("Measurements in and charted", "InfluxDB writes")) {
            JsonNode panel = panels().stream().filter(p -> p.get("title").asText().equals(title)).findFirst().orElseThrow();
            String first = panel.get("targets").get(0).get("expr").asText();
            awaitRange(first, m -> m.size() > 0 && max(m.get(0)) > 0, title + ": " + panel.get("targets").get(0).get("legendFormat"));
        }
        JsonNode lag = panels().stream().filter(p -> p.get("title").asText().startsWith("Event-time lag")).findFirst().orElseThrow();
        JsonNode lags = awaitRange(lag.get("targets").get(0).get("expr").asText(), HealthDashboardITCase::hasData, "lag");
        double seconds = max(lags.get(0));
        assertTrue(seconds >= 0 && seconds < 600, "the charts' event time is minutes behind at most: " + seconds + " s");
    }

    /**
     * The rules' queries as Grafana's alerting runs them (instant, at now), reduced to the last value
     * and compared with the threshold: dead letters fire per reason, a healthy job does not.
     */
    @Test
    @Timeout(300)
    void alertRulesFireOnDeadLettersAndNotOnAHealthyJob() throws Exception {
        Map<String, JsonNode> byUid = new HashMap<>();
        rules().forEach(r -> byUid.put(r.get("uid").asText(), r));
        JsonNode deadLetters = byUid.get("spc-dead-letters");
        JsonNode unhealthy = byUid.get("spc-job-unhealthy");
        JsonNode missing = byUid.get("spc-job-missing");
        for (JsonNode rule : List.of(deadLetters, unhealthy, missing)) {
            assertEquals("spc-prometheus", rule.get("data").get(0).get("datasourceUid").asText());
            assertEquals("gt", rule.get("data").get(2).get("model").get("conditions").get(0).get("evaluator").get("type").asText());
        }
        String deadExpr = deadLetters.get("data").get(0).get("model").get("expr").asText();
        JsonNode firing = prometheus.await(deadExpr, r -> {
            Set<String> fires = new TreeSet<>();
            r.forEach(s -> {
                if (Double.parseDouble(s.get("value").get(1).asText()) > 0) {
                    fires.add(s.path("metric").path("reason").asText());
                }
            });
            return fires.containsAll(REASONS);
        }, Duration.ofSeconds(90));
        Set<String> fires = new TreeSet<>();
        firing.forEach(s -> {
            if (Double.parseDouble(s.get("value").get(1).asText()) > 0) {
                fires.add(s.path("metric").path("reason").asText());
            }
        });
        assertEquals(REASONS, fires, "the rule fires for the reasons fed, not for the counters still at 0");
        String unhealthyExpr = unhealthy.get("data").get(0).get("model").get("expr").asText();
        JsonNode health = prometheus.await(unhealthyExpr, r -> r.size() > 0, Duration.ofSeconds(60));
        assertEquals(1, health.size(), health.toString());
        assertEquals("pilot_spc", health.get(0).get("metric").get("job_name").asText());
        assertEquals(0.0, Double.parseDouble(health.get(0).get("value").get(1).asText()),
                "no restart and no failed checkpoint: " + health + "; " + prometheus.query(
                        "{__name__=~\"flink_jobmanager_job_(numRestarts|numberOfFailedCheckpoints)\"}"));
        JsonNode running = prometheus.query(missing.get("data").get(0).get("model").get("expr").asText());
        assertEquals(0, running.size(), "the running job is not missing: " + running);
    }

    /** As DashboardQueriesITCase checks the InfluxDB rules: valid as Grafana provisions them, linked to a panel. */
    @Test
    void alertRulesAreValidAsGrafanaProvisionsThemAndLinkToTheirPanel() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<Integer> ids = new ArrayList<>();
        panels().forEach(p -> ids.add(p.get("id").asInt()));
        for (JsonNode rule : rules()) {
            String uid = rule.get("uid").asText();
            assertFalse(rule.path("data").toString().contains("$$"), uid + ": the query model is not expanded: $$ reaches Prometheus");
            rule.path("annotations").properties().forEach(a -> assertFalse(a.getValue().asText().contains("$$"), uid + " " + a.getKey()));
            assertFalse(rule.path("annotations").has("__dashboardUid__"), uid + ": link with dashboardUid + panelId");
            assertEquals(dashboard.get("uid").asText(), rule.get("dashboardUid").asText(), uid);
            assertTrue(ids.contains(rule.get("panelId").asInt(-1)), uid + ": panelId not in " + ids);
        }
    }

    @Test
    void everyQueryUsesTheProvisionedPrometheus() throws Exception {
        JsonNode datasource = YAML.readTree(ROOT.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile())
                .get("datasources").get(0);
        List<JsonNode> used = JSON.readTree(DASHBOARD.toFile()).findValues("datasource");
        assertTrue(used.size() >= 8, "panels and targets name their datasource");
        for (JsonNode d : used) {
            assertEquals(datasource.get("uid").asText(), d.path("uid").asText(), d.toString());
            assertEquals("prometheus", d.path("type").asText(), d.toString());
        }
    }

    /**
     * The rules' conditions on made-up histories ({@code promtool test rules}, the Prometheus of the same
     * Debian package): each rule's query with its threshold as a Prometheus alert, evaluated minute by
     * minute. A restart fires; failed checkpoints fire only when none completes (Flink counts the
     * checkpoints triggered while a started job's tasks deploy as failed); dead letters fire while they
     * rise, by reason, and stop when they stop, the first burst after a start included even when it
     * precedes Prometheus's first scrape of the counter; the job-missing rule fires when the job's
     * metrics vanish for 5 minutes.
     */
    @Test
    void alertConditionsOnMadeUpHistories(@TempDir Path tmp) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n- name: health\n  rules:\n");
        for (JsonNode rule : rules()) {
            JsonNode evaluator = rule.get("data").get(2).get("model").get("conditions").get(0).get("evaluator");
            assertEquals("gt", evaluator.get("type").asText());
            String expr = "(" + rule.get("data").get(0).get("model").get("expr").asText() + ") > "
                    + evaluator.get("params").get(0).asText();
            rules.append("  - alert: ").append(rule.get("uid").asText()).append("\n    expr: ")
                    .append(JSON.writeValueAsString(expr)).append('\n');
            if (rule.has("for")) {
                rules.append("    for: ").append(rule.get("for").asText()).append('\n');
            }
        }
        Files.writeString(tmp.resolve("rules.yml"), rules);
        String job = "{job_id=\"j1\", job_name=\"pilot_spc\"}";
        String dead = "flink_taskmanager_job_task_operator_spc_dead_letters_";
        Files.writeString(tmp.resolve("test.yml"), """
                rule_files: [rules.yml]
                evaluation_interval: 1m
                tests:
                  # a restart at minute 3
                  - interval: 1m
                    input_series:
                      - {series: 'flink_jobmanager_job_numRestarts%1$s', values: '0 0 0 1x12'}
                      - {series: 'flink_jobmanager_job_numberOfFailedCheckpoints%1$s', values: '0x14'}
                      - {series: 'flink_jobmanager_job_numberOfCompletedCheckpoints%1$s', values: '0+6x14'}
                    alert_rule_test:
                      - {eval_time: 2m, alertname: spc-job-unhealthy, exp_alerts: []}
                      - {eval_time: 5m, alertname: spc-job-unhealthy, exp_alerts: [{exp_labels: {job_name: pilot_spc}}]}
                      - {eval_time: 14m, alertname: spc-job-unhealthy, exp_alerts: []}
                  # a start: checkpoints triggered while the tasks deploy fail, then they complete
                  - interval: 1m
                    input_series:
                      - {series: 'flink_jobmanager_job_numRestarts%1$s', values: '0x14'}
                      - {series: 'flink_jobmanager_job_numberOfFailedCheckpoints%1$s', values: '0 4x13'}
                      - {series: 'flink_jobmanager_job_numberOfCompletedCheckpoints%1$s', values: '0 1+6x13'}
                    alert_rule_test:
                      - {eval_time: 3m, alertname: spc-job-unhealthy, exp_alerts: []}
                  # InfluxDB down from minute 4: every checkpoint fails
                  - interval: 1m
                    input_series:
                      - {series: 'flink_jobmanager_job_numRestarts%1$s', values: '0x14'}
                      - {series: 'flink_jobmanager_job_numberOfFailedCheckpoints%1$s', values: '0 0 0 0 1+1x10'}
                      - {series: 'flink_jobmanager_job_numberOfCompletedCheckpoints%1$s', values: '0 6 12 18 20x10'}
                    alert_rule_test:
                      - {eval_time: 6m, alertname: spc-job-unhealthy, exp_alerts: []}
                      - {eval_time: 10m, alertname: spc-job-unhealthy, exp_alerts: [{exp_labels: {job_name: pilot_spc}}]}
                  # dead letters: invalid_json on two subtasks at minutes 2 and 3, one unknown_feature at minute 1
                  - interval: 1m
                    input_series:
                      - {series: '%2$sinvalid_json{operator_name="route_rejected", subtask_index="0"}', values: '_ 1 2 2x11'}
                      - {series: '%2$sinvalid_json{operator_name="route_rejected", subtask_index="1"}', values: '_ _ _ 1 3x10'}
                      - {series: '%2$sunknown_feature{operator_name="spc_monitor", subtask_index="0"}', values: '0 1x12'}
                      - {series: '%2$slate{operator_name="spc_monitor", subtask_index="0"}', values: '0x13'}
                    alert_rule_test:
                      - {eval_time: 4m, alertname: spc-dead-letters, exp_alerts: [{exp_labels: {reason: invalid_json}},
                          {exp_labels: {reason: unknown_feature}}]}
                      - {eval_time: 12m, alertname: spc-dead-letters, exp_alerts: []}
                  # a start on a backlog: its dead letters all come before the first scrape, so the counter
                  # is never seen at 0
                  - interval: 1m
                    input_series:
                      - {series: '%2$sunknown_feature{operator_name="spc_monitor", subtask_index="0"}', values: '_ 2000x12'}
                      - {series: '%2$slate{operator_name="spc_monitor", subtask_index="0"}', values: '_ 0x12'}
                    alert_rule_test:
                      - {eval_time: 2m, alertname: spc-dead-letters, exp_alerts: [{exp_labels: {reason: unknown_feature}}]}
                      - {eval_time: 9m, alertname: spc-dead-letters, exp_alerts: []}
                  # the job stops restarting and is gone (or the jobmanager, or its scrape): its metrics vanish
                  - interval: 1m
                    input_series:
                      - {series: 'flink_jobmanager_job_numRestarts%1$s', values: '0 0 1 2 3 stale'}
                      - {series: 'flink_jobmanager_job_numberOfFailedCheckpoints%1$s', values: '0 0 0 0 0 stale'}
                      - {series: 'flink_jobmanager_job_numberOfCompletedCheckpoints%1$s', values: '0 6 12 12 12 stale'}
                    alert_rule_test:
                      - {eval_time: 4m, alertname: spc-job-missing, exp_alerts: []}
                      - {eval_time: 8m, alertname: spc-job-missing, exp_alerts: []}
                      - {eval_time: 30m, alertname: spc-job-missing, exp_alerts: [{}]}
                """.formatted(job, dead));
        Process p = new ProcessBuilder("promtool", "test", "rules", "test.yml").directory(tmp.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), rules + "\n" + output);
    }

    /** The stack's scrape configuration is one Prometheus accepts (promtool, from the same Debian package). */
    @Test
    void theStacksScrapeConfigIsValid() throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "config", ROOT.resolve("docker/prometheus.yml").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
    }
}
