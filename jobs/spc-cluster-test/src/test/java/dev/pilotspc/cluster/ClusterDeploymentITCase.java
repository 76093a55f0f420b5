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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    private static final long T0 = 1_764_000_000_000L;
    private static final int PARTS = 80;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The measurements the comparison covers, and each one's tag keys. Of {@code spc_readiness} the
     * features' lines: the batch verdict's ({@code feature=*}) come as verdicts reach it, which live
     * differs from a replay; only its last verdict is compared.
     */
    private static final List<String> MEASUREMENTS = List.of("spc_point", "spc_limits", "spc_violation", "spc_capability",
            "spc_status", "spc_drift", "spc_readiness");
    private static final List<String> TAGS = List.of("batch", "chart", "detector", "feature", "line", "rule", "station");

    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void jobJarRunsOnAStandaloneClusterAndResumesFromASavepoint() throws Exception {
        KAFKA.createJobTopics(2);
        Path features = Files.writeString(dir.resolve("features.yaml"), """
                - feature: bore
                  lsl: 9.7
                  usl: 10.3
                  baseline: 20
                  ewma: {lambda: 0.2, sigmas: 2.962}
                  cusum: {k: 0.5, h: 5}
                - feature: shaft
                  chart: xbar_r
                  subgroup_size: 5
                  baseline: 6
                  lsl: 119.9
                  usl: 120.1
                  rules: nelson
                """);
        List<String> measurements = measurements();
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
            List<ProducerRecord<String, String>> records = records(measurements.subList(0, half));
            records.add(new ProducerRecord<>("spc.measurements", "bore", "{not json"));
            records.add(new ProducerRecord<>("spc.measurements", "gear", "{\"ts\":" + T0 + ",\"feature\":\"gear\",\"value\":1}"));
            KAFKA.produce(records);
            awaitPoints(influx, 30, cluster);

            String savepoint = cluster.stopWithSavepoint(first, dir.resolve("savepoints"), Duration.ofSeconds(60));
            assertEquals("FINISHED", cluster.state(first), cluster.logs());
            String second = cluster.submit(jar, savepoint, args);
            assertEquals(savepoint, cluster.restoredFrom(second), "the second job started from the savepoint");
            KAFKA.produce(records(measurements.subList(half, measurements.size())));

            Map<String, Map<String, Object>> want = fromReplay(expected);
            long wantPoints = want.keySet().stream().filter(k -> k.startsWith("spc_point,")).count();
            awaitPoints(influx, wantPoints, cluster);
            assertEquals(want, fromInflux(influx), "InfluxDB content differs from the replay of the same measurements");
            awaitBatchVerdict(influx, lastBatchVerdict(expected));
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
            lines.add(line(t0 + i * 1000L, "bore", i, 10 + 0.05 * random.nextGaussian()));
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

    /**
     * Two features over {@value #PARTS} parts, one second apart, in event-time order: an individuals
     * chart whose mean shifts by 3σ after part 60 (violations, EWMA/CUSUM signals, drift) and an X̄-R
     * chart of five measurements per subgroup.
     */
    private static List<String> measurements() {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            double bore = 10 + 0.05 * random.nextGaussian() + (i >= 60 ? 0.15 : 0);
            double shaft = 120 + 0.02 * random.nextGaussian();
            lines.add(line(T0 + i * 1000L, "bore", i, bore));
            lines.add(line(T0 + i * 1000L + 500, "shaft", i, shaft));
        }
        return lines;
    }

    private static String line(long ts, String feature, int part, double value) {
        return String.format(Locale.ROOT, "{\"ts\":%d,\"feature\":\"%s\",\"batch\":\"PB-7\",\"part\":\"SN%03d\",\"value\":%.5f}",
                ts, feature, part, value);
    }

    private static List<ProducerRecord<String, String>> records(List<String> lines) throws IOException {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (String line : lines) {
            records.add(new ProducerRecord<>("spc.measurements", JSON.readTree(line).path("feature").asText(), line));
        }
        return records;
    }

    /** Waits until InfluxDB holds at least {@code count} spc_point points. */
    private static void awaitPoints(InfluxServer influx, long count, StandaloneCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            seen = influx.query("SELECT count(x) FROM spc_point").path("results").path(0).path("series").path(0)
                    .path("values").path(0).path(1).asLong();
            if (seen >= count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(seen + " of " + count + " points in InfluxDB after 120 s\n" + cluster.logs());
    }

    /** "measurement,tag=value,… ts" → fields, from the replay's line protocol (the later line of a series and time wins, as in InfluxDB). */
    private static Map<String, Map<String, Object>> fromReplay(Path file) throws IOException {
        Map<String, Map<String, Object>> points = new TreeMap<>();
        LineProtocolReader.read(file, line -> {
            if (MEASUREMENTS.contains(line.measurement()) && !"*".equals(line.tags().get("feature"))) {
                Map<String, Object> fields = new TreeMap<>();
                line.fields().forEach((k, v) -> fields.put(k, v instanceof Number n ? (Object) n.doubleValue() : v));
                points.put(key(line.measurement(), line.tags(), line.tsNanos()), fields);
            }
        });
        return points;
    }

    /** Waits until the batch's latest verdict in InfluxDB is {@code want}: it follows the points by a stall or more. */
    private static void awaitBatchVerdict(InfluxServer influx, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            List<Map<String, JsonNode>> rows = influx.rows("spc", "SELECT last(verdict) FROM spc_readiness WHERE feature = '*'");
            seen = rows.isEmpty() ? null : rows.get(0).get("last").asText();
            if (want.equals(seen)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the batch's verdict at the end: expected " + want + ", InfluxDB has " + seen);
    }

    private static String lastBatchVerdict(Path file) throws IOException {
        String[] verdict = {null};
        LineProtocolReader.read(file, line -> {
            if (line.measurement().equals("spc_readiness") && "*".equals(line.tags().get("feature"))) {
                verdict[0] = (String) line.fields().get("verdict");
            }
        });
        return verdict[0];
    }

    /** The same view of what the cluster's job wrote to InfluxDB. */
    private static Map<String, Map<String, Object>> fromInflux(InfluxServer influx) throws IOException {
        Map<String, Map<String, Object>> points = new TreeMap<>();
        for (String measurement : MEASUREMENTS) {
            for (Map<String, JsonNode> row : influx.rows("spc", "SELECT * FROM " + measurement + " WHERE feature != '*'")) {
                Map<String, String> tags = new TreeMap<>();
                Map<String, Object> fields = new TreeMap<>();
                row.forEach((column, value) -> {
                    if (value.isNull() || column.equals("time")) {
                        return;
                    }
                    if (TAGS.contains(column)) {
                        tags.put(column, value.asText());
                    } else {
                        fields.put(column, value.isNumber() ? (Object) value.doubleValue() : value.isBoolean() ? value.booleanValue() : value.asText());
                    }
                });
                points.put(key(measurement, tags, row.get("time").asLong()), fields);
            }
        }
        return points;
    }

    private static String key(String measurement, Map<String, String> tags, long tsNanos) {
        return measurement + "," + new TreeMap<>(tags) + " " + tsNanos;
    }
}
