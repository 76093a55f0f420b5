package dev.pilotspc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.cli.ReplayCommand;
import dev.pilotspc.flink.report.LineProtocolReader;
import dev.pilotspc.flink.testing.InfluxServer;
import dev.pilotspc.flink.testing.KafkaBroker;
import dev.pilotspc.flink.testing.VictoriaMetricsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar as an operator deploys it (README "On a Flink cluster"): {@code flink run} to a
 * standalone cluster whose classpath has Flink and nothing of the job's, so a class the jar lacks,
 * a service file lost in shading or a class loading conflict fails here. Mid-stream the job is
 * stopped with a savepoint and submitted again from it, as for an upgrade. What lands in InfluxDB
 * must equal, point for point, a replay of the same measurements.
 */
class ClusterDeploymentITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void jobJarRunsOnAStandaloneClusterAndResumesFromASavepoint() throws Exception {
        KAFKA.createJobTopics(2);
        Path features = Files.writeString(dir.resolve("features.yaml"), PilotBatch.FEATURES);
        List<String> measurements = PilotBatch.measurements();
        Path input = Files.write(dir.resolve("measurements.jsonl"), measurements);
        Path expected = dir.resolve("expected.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input", input.toString(),
                "--output", expected.toString()}));

        Path jar = Path.of(System.getProperty("spc.job.jar"));
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + ": run through `mvn verify` (after spc-flink's package)");
        try (InfluxServer influx = InfluxServer.start("spc");
             StandaloneCluster cluster = StandaloneCluster.start(System.getProperty("flink.cluster.classpath"), 2)) {
            List<String> args = List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--features", features.toString(),
                    "--influx-url", influx.url(), "--influx-db", "spc", "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                    "--checkpoint-interval", "1s", "--idleness", "1s", "--max-wait", "1s", "--parallelism", "2");
            String first = cluster.submit(jar, null, args);
            int half = measurements.size() / 2;
            List<ProducerRecord<String, String>> records = PilotBatch.records(measurements.subList(0, half));
            records.add(new ProducerRecord<>("spc.measurements", "bore", "{not json"));
            records.add(new ProducerRecord<>("spc.measurements", "gear", "{\"ts\":" + PilotBatch.T0 + ",\"feature\":\"gear\",\"value\":1}"));
            KAFKA.produce(records);
            PilotBatch.awaitPoints(influx, 30, cluster);

            String savepoint = cluster.stopWithSavepoint(first, dir.resolve("savepoints"), Duration.ofSeconds(60));
            assertEquals("FINISHED", cluster.state(first), cluster.logs());
            String second = cluster.submit(jar, savepoint, args);
            assertEquals(savepoint, cluster.restoredFrom(second), "the second job started from the savepoint");
            KAFKA.produce(PilotBatch.records(measurements.subList(half, measurements.size())));

            Map<String, Map<String, Object>> want = PilotBatch.results(expected);
            long wantPoints = want.keySet().stream().filter(k -> k.startsWith("spc_point,")).count();
            PilotBatch.awaitPoints(influx, wantPoints, cluster);
            assertEquals(want, PilotBatch.fromInflux(influx), "InfluxDB content differs from the replay of the same measurements");
            PilotBatch.awaitBatchVerdict(influx, PilotBatch.lastBatchVerdict(expected));
            assertEquals(List.of(), cluster.failures(first));
            assertEquals(List.of(), cluster.failures(second));

            // each exactly once: the resumed job read on from the savepoint's offsets, not from the start
            List<ConsumerRecord<String, String>> dead = KAFKA.consume("spc.measurements.dlq", 3, Duration.ofSeconds(10));
            assertEquals(List.of("invalid_json", "unknown_feature"),
                    dead.stream().map(r -> KafkaBroker.header(r, "spc.reason")).sorted().toList());
            List<ConsumerRecord<String, String>> alerts = KAFKA.consume("spc.alerts", 1, Duration.ofSeconds(30));
            JsonNode alert = JSON.readTree(alerts.get(0).value());
            assertTrue(alert.has("type") && alert.has("feature") && alert.has("message"), alert.toString());

            cluster.stopWithSavepoint(second, dir.resolve("savepoints"), Duration.ofSeconds(60));
            writesThroughTheInfluxClient(cluster, jar, features);
        }
    }

    /**
     * The other transport, influxdb-client-java's write API (loaded from the job jar, child-first, on
     * the cluster): a job of its own topic writing to VictoriaMetrics' {@code /api/v2/write}, whose
     * points equal a replay's.
     */
    private void writesThroughTheInfluxClient(StandaloneCluster cluster, Path jar, Path features) throws Exception {
        // recent timestamps: VictoriaMetrics keeps a month and exports up to now
        long t0 = System.currentTimeMillis() - 120_000L;
        Random random = new Random(11);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add(PilotBatch.line(t0 + i * 1000L, "bore", i, 10 + 0.05 * random.nextGaussian()));
        }
        Path expected = dir.resolve("v2-expected.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input",
            Files.write(dir.resolve("v2.jsonl"), lines).toString(), "--output", expected.toString()}));
        Map<String, List<Double>> want = new TreeMap<>();
        LineProtocolReader.read(expected, line -> line.fields().forEach((field, value) -> {
            // VictoriaMetrics keeps numbers and booleans (as 1 and 0) of each field as a metric <measurement>_<field>
            double number = value instanceof Number n ? n.doubleValue() : value instanceof Boolean b ? (b ? 1 : 0) : Double.NaN;
            if (!Double.isNaN(number) && (line.measurement().equals("spc_point") || line.measurement().equals("spc_capability"))) {
                want.computeIfAbsent(line.measurement() + "_" + field, k -> new ArrayList<>()).add(number);
            }
        }));

        String topic = "spc.measurements.v2";
        KAFKA.createTopic(topic, 1, false);
        try (VictoriaMetricsServer victoria = VictoriaMetricsServer.start()) {
            String job = cluster.submit(jar, null, List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--topic-measurements", topic, "--group-id", "pilot-spc-v2", "--features", features.toString(),
                    "--influx-url", victoria.url(), "--influx-org", "plant", "--influx-bucket", "spc", "--influx-token", "t0ken",
                    "--checkpoint-interval", "1s", "--idleness", "1s", "--max-wait", "1s", "--parallelism", "2"));
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            lines.forEach(l -> records.add(new ProducerRecord<>(topic, "bore", l)));
            KAFKA.produce(records);
            List<JsonNode> series = victoria.awaitExport("{__name__=~\"spc_(point|capability)_.*\",feature=\"bore\"}",
                    s -> s.stream().filter(x -> x.path("metric").path("__name__").asText().equals("spc_point_x"))
                            .mapToInt(x -> x.path("values").size()).sum() == lines.size(), Duration.ofSeconds(120));
            Map<String, List<Double>> got = new TreeMap<>();
            for (JsonNode s : series) {
                List<Double> values = new ArrayList<>();
                s.path("values").forEach(v -> values.add(v.asDouble()));
                got.put(s.path("metric").path("__name__").asText(), values);
            }
            assertTrue(got.keySet().containsAll(want.keySet()), "every numeric field: " + got.keySet());
            // VictoriaMetrics stores a series' values as decimals of one scale, about 12 significant digits of the largest
            want.forEach((metric, values) -> {
                double scale = values.stream().mapToDouble(Math::abs).max().orElse(0);
                assertEquals(values.size(), got.get(metric).size(), metric);
                for (int i = 0; i < values.size(); i++) {
                    assertEquals(values.get(i), got.get(metric).get(i), scale * 1e-9, metric + " #" + i);
                }
            });
            assertEquals(List.of(), cluster.failures(job));
        }
    }
}
