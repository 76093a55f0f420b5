package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job on Flink's mini cluster against a real KRaft broker: measurements in; points,
 * violations, alerts and every dead-letter class out; definitions from the file and the topic.
 */
class SpcJobITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    /** Keeps the job's metrics after it finished, to read its counters. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void chartsKafkaMeasurementsAndRoutesAlertsAndDeadLetters() throws Exception {
        KAFKA.createJobTopics(2);
        Path features = Files.writeString(dir.resolve("features.yaml"), """
                - feature: bore
                  lsl: 9
                  usl: 11
                  limits: {mean: 10, sigma: 0.1}
                """);
        // a feature defined only on the topic (YAML value), and a bad definition
        KAFKA.produce("spc.features", List.of(
                Map.entry("flatness", "feature: flatness\nusl: 50\nbaseline: 5"),
                Map.entry("broken", "{\"feature\": \"broken\", \"lsl\": 5, \"usl\": 1}")));

        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double value = i == 20 ? 10.5 : 10 + (i % 3 - 1) * 0.05;
            records.add(record("bore", "{\"ts\":" + (T0 + i * 1000) + ",\"feature\":\"bore\",\"batch\":\"PB-1\",\"value\":"
                    + value + ",\"part\":\"SN" + i + "\"}"));
            records.add(record("flatness", "{\"ts\":" + (T0 + i * 1000 + 1) + ",\"feature\":\"flatness\",\"batch\":\"PB-1\","
                    + "\"value\":" + (20 + i % 4) + "}"));
        }
        // a duplicate delivery right after its original: recognised among the chart's last 16 charted
        // measurements whatever the watermark has charted by then (an older copy would be late)
        records.add(2, record("bore", records.get(0).value()));
        records.add(record("bore", "{not json"));
        records.add(record("bore", "{\"ts\":" + T0 + ",\"feature\":\"bore\"}"));
        records.add(record("bore", "{\"ts\":" + T0 + ",\"feature\":\"bore\",\"value\":\"x\"}"));
        records.add(record("bore", "{\"ts\":" + T0 + ",\"feature\":\"bore\",\"value\":1e400}"));
        records.add(record("bore", "{\"ts\":\"noon\",\"feature\":\"bore\",\"value\":1}"));
        // larger than the dead-letter producer takes (--kafka.max.request.size below): cut to --max-record-bytes
        String oversized = "{\"ts\":" + T0 + ",\"feature\":\"bore\",\"value\":1,\"pad\":\"" + "x".repeat(30_000) + "\"}";
        records.add(record("bore", oversized));
        records.add(record("ghost", "{\"ts\":" + T0 + ",\"feature\":\"ghost\",\"value\":1}"));
        records.add(new ProducerRecord<>("spc.measurements", "bore", null));
        byte[] notUtf8 = ("{\"ts\":" + T0 + ",\"feature\":\"bore\",\"value\":1,\"part\":\"?\"}").getBytes(StandardCharsets.UTF_8);
        notUtf8[notUtf8.length - 3] = (byte) 0xFF;
        records.add(record("bore", notUtf8));
        KAFKA.produceBytes(records);
        // keys and definitions that are not UTF-8 reach the dead letters byte for byte too
        byte[] notUtf8Key = {(byte) 0xFF, (byte) 0xFE, 'b', 'o', 'r', 'e'};
        byte[] latin1Definition = "{\"feature\": \"bore\", \"unit\": \"\u00b5m\", \"usl\": 1}"
                .getBytes(StandardCharsets.ISO_8859_1);
        KAFKA.produceRaw(List.of(
                new ProducerRecord<>("spc.measurements", notUtf8Key, "{not json either".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>("spc.features", "bore".getBytes(StandardCharsets.UTF_8), latin1Definition)));

        Path output = dir.resolve("results.lp");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        RunCommand.define(env, RunCommand.options().parse(new String[] {
            "--bootstrap-servers", KAFKA.bootstrapServers(), "--features", features.toString(),
            "--output", output.toString(), "--bounded", "--checkpoint-interval", "0",
            "--max-record-bytes", "1024", "--kafka.max.request.size", Integer.toString(1024 + 16 * 1024),
            "--group-id", "it-" + System.nanoTime()}));
        JobID job = env.execute("spc-it").getJobID();

        List<String> lines = Files.readAllLines(output);
        assertEquals(30, count(lines, "spc_point,", "feature=bore"));
        assertEquals(30, count(lines, "spc_point,", "feature=flatness"));
        assertEquals(1, count(lines, "spc_limits,", "feature=flatness"), "the topic's baseline of 5 applies");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("spc_violation,") && l.contains("rule=WE1")
                && l.contains("part=\"SN20\"")));

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> r : KAFKA.consume("spc.alerts", 4, Duration.ofSeconds(30))) {
            alerts.add(json.readTree(r.value()));
            assertEquals(r.key(), json.readTree(r.value()).get("feature").asText(), "keyed by feature");
        }
        assertTrue(alerts.stream().anyMatch(a -> a.get("type").asText().equals("violation")
                && a.get("rule").asText().equals("WE1") && a.get("ucl").asDouble() == 10.3));
        assertTrue(alerts.stream().anyMatch(a -> a.get("type").asText().equals("state")
                && a.path("state").asText().equals("out_of_control")));

        List<ConsumerRecord<String, byte[]>> dead = KAFKA.consumeBytes("spc.measurements.dlq", 13, Duration.ofSeconds(30));
        Map<String, Integer> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> d : dead) {
            reasons.merge(KafkaBroker.header(d, KafkaIo.REASON_HEADER), 1, Integer::sum);
        }
        assertEquals(Map.of("duplicate", 1, "invalid_json", 4, "missing_field", 1, "invalid_field", 1,
                "non_finite_value", 1, "invalid_timestamp", 1, "oversized", 1, "unknown_feature", 1,
                "invalid_definition", 2), reasons, "every record that can't be charted, by reason");
        assertTrue(dead.stream().anyMatch(d -> d.value() != null
                && new String(d.value(), StandardCharsets.UTF_8).equals("{not json")), "values unchanged");
        assertTrue(dead.stream().anyMatch(d -> java.util.Arrays.equals(d.value(), notUtf8)), "bytes that are not UTF-8 too");
        assertTrue(dead.stream().anyMatch(d -> "oversized".equals(KafkaBroker.header(d, KafkaIo.REASON_HEADER))
                && new String(d.value(), StandardCharsets.UTF_8).equals(oversized.substring(0, 1024))
                && Integer.toString(oversized.length()).equals(KafkaBroker.header(d, KafkaIo.ORIGINAL_BYTES_HEADER))),
                "an oversized record's first --max-record-bytes, with its length");
        List<ConsumerRecord<byte[], byte[]>> raw = KAFKA.consumeRaw("spc.measurements.dlq", 13, Duration.ofSeconds(30));
        assertTrue(raw.stream().anyMatch(d -> java.util.Arrays.equals(d.key(), notUtf8Key)), "keys too");
        assertTrue(raw.stream().anyMatch(d -> java.util.Arrays.equals(d.value(), latin1Definition)
                && "invalid_definition".equals(KafkaBroker.header(d, KafkaIo.REASON_HEADER))), "and definitions");

        // the same counts in the job's metrics (spc.dead_letters.<reason>, summed over subtasks and operators)
        Map<String, Long> counted = new HashMap<>();
        long charted = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : METRICS.getMetricsByGroup().entrySet()) {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))) {
                continue;
            }
            for (Map.Entry<String, Metric> m : group.getValue().entrySet()) {
                String id = group.getKey().getMetricIdentifier(m.getKey());
                if (id.contains(".spc.dead_letters.") && m.getValue() instanceof Counter c) {
                    counted.merge(m.getKey(), c.getCount(), Long::sum);
                } else if (id.endsWith(".spc.measurements_charted") && m.getValue() instanceof Counter c) {
                    charted += c.getCount();
                }
            }
        }
        counted.values().removeIf(n -> n == 0);
        assertEquals(Map.of("duplicate", 1L, "invalid_json", 4L, "missing_field", 1L, "invalid_field", 1L,
                "non_finite_value", 1L, "invalid_timestamp", 1L, "oversized", 1L, "unknown_feature", 1L,
                "invalid_definition", 2L), counted, "each dead letter counted once, by reason");
        assertEquals(60, charted, "every measurement charted is counted, the duplicate is not");
    }

    private static ProducerRecord<String, byte[]> record(String key, String value) {
        return record(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>("spc.measurements", key, value);
    }

    private static long count(List<String> lines, String prefix, String contains) {
        return lines.stream().filter(l -> l.startsWith(prefix) && l.contains(contains)).count();
    }
}
