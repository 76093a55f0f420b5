package dev.pilotspc.flink.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./spc simulate}: to Kafka a scenario is stamped from now (live dashboards and alert rules see
 * it) with the client properties of {@code --kafka-properties}; to a file from the fixed start, so
 * files repeat.
 */
class SimulateCommandITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static int simulate(String... args) throws Exception {
        return SimulateCommand.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void sendsALiveBatchToKafkaStampedFromNow() throws Exception {
        KAFKA.createTopic("sim.measurements", 1, false);
        KAFKA.createTopic("sim.features", 1, true);
        Path properties = Files.writeString(dir.resolve("kafka.properties"), "client.id=spc-simulator-test\nacks=all\n");
        long before = System.currentTimeMillis();
        assertEquals(0, simulate("--bootstrap-servers", KAFKA.bootstrapServers(), "--kafka-properties", properties.toString(),
                "--topic", "sim.measurements", "--features-topic", "sim.features", "--scenario", "stable", "--parts", "4",
                "--rate", "0"));
        List<ConsumerRecord<String, String>> records = KAFKA.consume("sim.measurements", 4, Duration.ofSeconds(30));
        assertTrue(records.size() >= 4, "the parts' measurements: " + records.size());
        long first = Long.MAX_VALUE;
        for (ConsumerRecord<String, String> record : records) {
            JsonNode measurement = JSON.readTree(record.value());
            assertEquals(measurement.get("feature").asText(), record.key(), "keyed by feature");
            first = Math.min(first, measurement.get("ts").asLong());
        }
        assertTrue(first >= before / 1000 * 1000 && first <= System.currentTimeMillis(), "part 1 stamped now: " + first);
        int features = Scenario.load("stable").features.size();
        assertEquals(features, KAFKA.consume("sim.features", features, Duration.ofSeconds(30)).size(), "one definition per feature");
    }

    @Test
    void writesAFileFromTheFixedStart() throws Exception {
        Path out = dir.resolve("batch.jsonl");
        assertEquals(0, simulate("--output", out.toString(), "--scenario", "stable", "--parts", "2"));
        JsonNode first = JSON.readTree(Files.readAllLines(out).get(0));
        assertEquals(Simulator.DEFAULT_T0, first.get("ts").asLong());
        assertTrue(Files.exists(dir.resolve("batch.jsonl.features.json")));
    }
}
