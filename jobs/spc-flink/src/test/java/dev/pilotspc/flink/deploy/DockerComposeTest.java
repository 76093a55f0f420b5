package dev.pilotspc.flink.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The docker stack without a Docker engine: docker-compose validates the file, and the wiring is
 * checked against the job's own options (topics, servers, InfluxDB, Grafana's datasource).
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Path COMPOSE = ROOT.resolve("docker/docker-compose.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private record Result(int exit, String output) {
    }

    private static Result compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", COMPOSE.toString()));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is needed (apt-get install --no-install-recommends docker-compose)", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), output);
    }

    private static JsonNode resolved() throws Exception {
        Result r = compose("--env-file", ROOT.resolve("docker/.env.example").toString(), "config");
        assertEquals(0, r.exit(), r.output());
        return YAML.readTree(r.output());
    }

    @Test
    void composeFileIsValidWithTheExampleEnvironment() throws Exception {
        Result r = compose("--env-file", ROOT.resolve("docker/.env.example").toString(), "config", "-q");
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void refusesToStartWithoutSecrets() throws Exception {
        Path empty = Files.createTempFile("empty", ".env");
        try {
            Result r = compose("--env-file", empty.toString(), "config", "-q");
            assertNotEquals(0, r.exit(), "passwords and tokens have no defaults");
            assertTrue(r.output().contains("set INFLUX") || r.output().contains("set GRAFANA"), r.output());
        } finally {
            Files.delete(empty);
        }
    }

    @Test
    void theJobsArgumentsAreOptionsOfTheJobAndPointAtTheStack() throws Exception {
        JsonNode services = resolved().get("services");
        List<String> command = new ArrayList<>();
        services.get("jobmanager").get("command").forEach(a -> command.add(a.asText()));
        assertEquals(List.of("standalone-job", "--job-classname", "dev.pilotspc.flink.job.SpcJob"), command.subList(0, 3));
        Options job = RunCommand.options().parse(command.subList(3, command.size()).toArray(new String[0]));
        assertEquals("kafka:9092", job.get("bootstrap-servers"));
        assertTrue(services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText()
                .contains("PLAINTEXT://kafka:9092"));
        assertEquals("http://influxdb:8086", job.get("influx-url"));
        JsonNode influxEnv = services.get("influxdb").get("environment");
        assertEquals(influxEnv.get("DOCKER_INFLUXDB_INIT_ORG").asText(), job.get("influx-org"));
        assertEquals(influxEnv.get("DOCKER_INFLUXDB_INIT_BUCKET").asText(), job.get("influx-bucket"));
        assertEquals(influxEnv.get("DOCKER_INFLUXDB_INIT_ADMIN_TOKEN").asText(),
                services.get("jobmanager").get("environment").get("INFLUX_TOKEN").asText(), "the job's token is the admin's");
    }

    @Test
    void topicInitCreatesTheTopicsTheJobUses() throws Exception {
        String init = resolved().get("services").get("kafka-init").get("command").get(0).asText();
        Options defaults = RunCommand.options().parse(new String[0]);
        for (String option : List.of("topic-measurements", "topic-features", "topic-alerts", "topic-dlq")) {
            assertTrue(init.contains("--topic " + defaults.get(option) + " "), option + " created: " + init);
        }
        assertTrue(init.contains("--topic spc.features --partitions 1 --replication-factor 1 --config cleanup.policy=compact"),
                "definitions are compacted");
    }

    @Test
    void grafanaReadsTheStacksInfluxDb() throws Exception {
        JsonNode services = resolved().get("services");
        JsonNode datasource = YAML.readTree(ROOT.resolve("grafana/provisioning/datasources/influxdb.yaml").toFile())
                .get("datasources").get(0);
        assertEquals("spc-influxdb", datasource.get("uid").asText());
        assertEquals("http://influxdb:8086", datasource.get("url").asText());
        assertTrue(services.get("influxdb").get("ports").toString().contains("8086"));
        assertEquals("${INFLUX_BUCKET}", datasource.get("jsonData").get("dbName").asText(),
                "Grafana expands it from its environment");
        assertTrue(services.get("grafana").get("environment").has("INFLUX_BUCKET"));
        assertTrue(services.get("grafana").get("volumes").toString().contains("/etc/grafana/provisioning"));
        JsonNode contact = YAML.readTree(ROOT.resolve("grafana/provisioning/alerting/contact-points.yaml").toFile());
        assertEquals("${ALERT_WEBHOOK_URL}",
                contact.get("contactPoints").get(0).get("receivers").get(0).get("settings").get("url").asText());
        assertTrue(services.get("grafana").get("environment").has("ALERT_WEBHOOK_URL"), "the contact point's URL is wired");
    }

    @Test
    void dashboardsAreTypeCheckedAgainstTheStacksGrafanaVersion() throws Exception {
        String image = resolved().get("services").get("grafana").get("image").asText();
        JsonNode check = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ROOT.resolve("grafana/check/package.json").toFile());
        assertEquals(image.substring(image.indexOf(':') + 1), check.get("devDependencies").get("@grafana/schema").asText(),
                "grafana/check pins the @grafana/schema of the Grafana the stack runs (" + image + ")");
    }

    @Test
    void aRestartedJobManagerFindsTheJobAndItsLatestCheckpoint() throws Exception {
        // without high availability a new jobmanager starts the job afresh: new baselines mid-batch,
        // and the measurements waiting in the lost state are never charted
        JsonNode services = resolved().get("services");
        JsonNode jobManager = YAML.readTree(services.get("jobmanager").get("environment").get("FLINK_PROPERTIES").asText());
        JsonNode taskManager = YAML.readTree(services.get("taskmanager").get("environment").get("FLINK_PROPERTIES").asText());
        for (String key : List.of("high-availability.type", "high-availability.zookeeper.quorum",
                "high-availability.cluster-id", "high-availability.storageDir")) {
            assertTrue(jobManager.has(key), key);
            assertEquals(jobManager.get(key), taskManager.get(key), "the taskmanager finds the leader the same way: " + key);
        }
        assertEquals("zookeeper", jobManager.get("high-availability.type").asText());
        String quorumHost = jobManager.get("high-availability.zookeeper.quorum").asText().split(":")[0];
        assertTrue(services.has(quorumHost), "ZooKeeper is part of the stack");
        assertTrue(services.get("jobmanager").get("depends_on").has(quorumHost));
        String storage = jobManager.get("high-availability.storageDir").asText();
        assertTrue(storage.startsWith("file:///opt/flink/checkpoints/"), storage);
        assertTrue(services.get("jobmanager").get("volumes").toString().contains("flink-checkpoints:/opt/flink/checkpoints"),
                "the HA metadata outlives the container: " + services.get("jobmanager").get("volumes"));
        assertEquals("on-failure", services.get("jobmanager").get("restart").asText());
        assertEquals("unless-stopped", services.get("taskmanager").get("restart").asText());
    }

    /**
     * The job's own metrics reach Grafana: Flink's Prometheus reporter (loaded as a plugin: the flink
     * image ships it under plugins/metrics-prometheus) on the jobmanager and the taskmanagers, the
     * stack's Prometheus scraping that port on both, and Grafana's Prometheus datasource (uid of the
     * pipeline-health dashboard) pointing at it with the scrape interval as its minimum interval.
     */
    @Test
    void prometheusScrapesFlinksReporterAndGrafanaReadsIt() throws Exception {
        JsonNode services = resolved().get("services");
        String port = null;
        for (String flink : List.of("jobmanager", "taskmanager")) {
            JsonNode properties = YAML.readTree(services.get(flink).get("environment").get("FLINK_PROPERTIES").asText());
            assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                    properties.path("metrics.reporter.prom.factory.class").asText(), flink + ": Flink 2 loads reporters by factory");
            port = properties.path("metrics.reporter.prom.port").asText();
            assertEquals("9249", port, flink + ": one fixed port, scraped per container");
        }
        JsonNode prometheus = services.get("prometheus");
        assertTrue(prometheus.get("image").asText().startsWith("prom/prometheus:v"), "a pinned official image");
        String mount = ROOT.resolve("docker/prometheus.yml") + ":/etc/prometheus/prometheus.yml";
        assertTrue(prometheus.get("volumes").toString().contains(mount), prometheus.get("volumes").toString());
        assertTrue(prometheus.get("command").toString().contains("--config.file=/etc/prometheus/prometheus.yml"));
        assertTrue(prometheus.get("ports").toString().contains("9090"));

        JsonNode scrape = YAML.readTree(ROOT.resolve("docker/prometheus.yml").toFile());
        JsonNode flinkJob = scrape.get("scrape_configs").get(0);
        assertEquals("jobmanager:" + port, flinkJob.get("static_configs").get(0).get("targets").get(0).asText());
        JsonNode taskManagers = flinkJob.get("dns_sd_configs").get(0);
        assertEquals("taskmanager", taskManagers.get("names").get(0).asText(), "every taskmanager replica");
        assertEquals(port, taskManagers.get("port").asText());

        JsonNode datasource = YAML.readTree(ROOT.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile())
                .get("datasources").get(0);
        assertEquals("prometheus", datasource.get("type").asText());
        assertEquals("spc-prometheus", datasource.get("uid").asText(), "fixed: dashboards and alert rules name it");
        assertEquals("http://prometheus:9090", datasource.get("url").asText());
        assertEquals(scrape.get("global").get("scrape_interval").asText(), datasource.get("jsonData").get("timeInterval").asText(),
                "Grafana derives $__rate_interval from the scrape interval");
        assertTrue(services.get("grafana").get("depends_on").has("prometheus"));
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("grafana/dashboards/pipeline-health.json").toFile());
        assertEquals(datasource.get("uid").asText(), dashboard.get("panels").get(0).get("datasource").get("uid").asText());
        JsonNode rules = YAML.readTree(ROOT.resolve("grafana/provisioning/alerting/health-rules.yaml").toFile());
        rules.get("groups").get(0).get("rules").forEach(r -> assertEquals(datasource.get("uid").asText(),
                r.get("data").get(0).get("datasourceUid").asText(), r.get("uid").asText()));
    }
}
