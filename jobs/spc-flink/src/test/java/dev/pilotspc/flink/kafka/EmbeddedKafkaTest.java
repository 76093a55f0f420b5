package dev.pilotspc.flink.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.pilotspc.flink.testing.KafkaTestClients;

@Timeout(60)
class EmbeddedKafkaTest {

    @Test
    void roundTripsRecordsThroughNormalAndCompactedTopics() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("spc.measurements", 3, "spc.features", 1), Set.of("spc.features"));

            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, cleanupPolicy(kafka, "spc.features"));
            assertEquals(TopicConfig.CLEANUP_POLICY_DELETE, cleanupPolicy(kafka, "spc.measurements"));

            String bootstrap = kafka.bootstrapServers();
            KafkaTestClients.produce(bootstrap, List.of(
                    new ProducerRecord<>("spc.measurements", "bore", "{\"value\":12.01}"),
                    new ProducerRecord<>("spc.measurements", "bore", "{\"value\":12.02}"),
                    new ProducerRecord<>("spc.features", "bore", "{\"lsl\":11.9,\"usl\":12.1}")));

            List<ConsumerRecord<String, String>> measurements =
                    KafkaTestClients.consume(bootstrap, "spc.measurements", 2, Duration.ofSeconds(10));
            assertEquals(List.of("{\"value\":12.01}", "{\"value\":12.02}"),
                    measurements.stream().map(ConsumerRecord::value).toList());
            List<ConsumerRecord<String, String>> features =
                    KafkaTestClients.consume(bootstrap, "spc.features", 1, Duration.ofSeconds(10));
            assertEquals("bore", features.get(0).key());
        }
    }

    @Test
    void closeStopsListeningAndDeletesTempDir() throws Exception {
        int port = freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(port);
        Path baseDir = kafka.baseDir();
        assertEquals("127.0.0.1:" + port, kafka.bootstrapServers());
        assertTrue(baseDir.getFileName().toString().startsWith("kraft-"));
        assertTrue(Files.isDirectory(baseDir));

        kafka.close();
        kafka.close(); // idempotent

        assertFalse(Files.exists(baseDir), "temp dir left behind: " + baseDir);
        // Binding succeeds only if the broker released its listener.
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort());
        }
    }

    private static String cleanupPolicy(EmbeddedKafka kafka, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
