package dev.pilotspc.flink.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.pilotspc.flink.kafka.Topics;

/**
 * JUnit 5 extension running a real single-node KRaft Kafka cluster (one combined broker + controller) per test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker KAFKA = new KafkaBroker();
 *
 * @Test
 * void roundTrip() {
 *     KAFKA.createTopic("in", 1, false);
 *     KAFKA.produce(List.of(new ProducerRecord<>("in", "key", "value")));
 *     List<ConsumerRecord<String, String>> got = KAFKA.consume("in", 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * Backed by Kafka's own {@link KafkaClusterTestKit}: it pre-binds its loopback ports (no free-port race) and
 * deletes its {@code kafka-*} temp dir on close. Topics persist across the tests of a class: use distinct names.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private KafkaClusterTestKit cluster;
    private Duration startupTime;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        long started = System.nanoTime();
        TestKitNodes nodes = new TestKitNodes.Builder()
                // The kit defaults to the unreleased metadata version; test what a released broker runs.
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                // One node: internal topics must be satisfiable with one replica; no delay before the first group forms.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setDeleteOnClose(true)
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            cluster = null;
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return running().bootstrapServers();
    }

    /** How long format + startup + waiting for the broker took. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Creates a topic (compacted: {@code cleanup.policy=compact}) and waits until all its partitions have leaders. */
    public void createTopic(String name, int partitions, boolean compacted) {
        Topics.create(bootstrapServers(), Map.of(name, partitions), compacted ? Set.of(name) : Set.of(), TOPIC_TIMEOUT);
    }

    /** The job's four topics under their default names; the features topic compacted. */
    public void createJobTopics(int measurementPartitions) {
        Topics.create(bootstrapServers(), Map.of("spc.measurements", measurementPartitions, "spc.features", 1, "spc.alerts", 1,
                "spc.measurements.dlq", 1), Set.of("spc.features"), TOPIC_TIMEOUT);
    }

    /** Sends string records (topic, key, headers, partition, timestamp as given) and waits for every ack. */
    public void produce(List<ProducerRecord<String, String>> records) {
        KafkaTestClients.produce(bootstrapServers(), records);
    }

    /** Sends key/value string records to {@code topic} in order and waits for every ack. */
    public void produce(String topic, List<Map.Entry<String, String>> keyValues) {
        produce(keyValues.stream().map(kv -> new ProducerRecord<>(topic, kv.getKey(), kv.getValue())).toList());
    }

    /** Sends records with raw byte values (malformed JSON, invalid UTF-8, …) and waits for every ack. */
    public void produceBytes(List<ProducerRecord<String, byte[]>> records) {
        KafkaTestClients.produceBytes(bootstrapServers(), records);
    }

    /** Sends records with raw byte keys and values and waits for every ack. */
    public void produceRaw(List<ProducerRecord<byte[], byte[]>> records) {
        KafkaTestClients.produceRaw(bootstrapServers(), records);
    }

    /** As {@link #consumeBytes} with the keys as raw bytes too. */
    public List<ConsumerRecord<byte[], byte[]>> consumeRaw(String topic, int expectedCount, Duration timeout) {
        return KafkaTestClients.consumeRaw(bootstrapServers(), topic, expectedCount, timeout);
    }

    /**
     * Reads {@code topic} from the beginning until {@code expectedCount} records arrived or {@code timeout} passed;
     * returns what arrived (maybe fewer — assert on it). Headers are on each record: see {@link #header}.
     */
    public List<ConsumerRecord<String, String>> consume(String topic, int expectedCount, Duration timeout) {
        return KafkaTestClients.consume(bootstrapServers(), topic, expectedCount, timeout);
    }

    /** As {@link #consume} with values as raw bytes (e.g. dead letters that must arrive byte-for-byte unchanged). */
    public List<ConsumerRecord<String, byte[]>> consumeBytes(String topic, int expectedCount, Duration timeout) {
        return KafkaTestClients.consumeBytes(bootstrapServers(), topic, expectedCount, timeout);
    }

    /** The last value of header {@code name} decoded as UTF-8, or null when absent. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        return KafkaTestClients.header(record, name);
    }

    /** All headers decoded as UTF-8 (a repeated name keeps its last value). */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        return KafkaTestClients.headers(record);
    }

    private KafkaClusterTestKit running() {
        if (cluster == null) {
            throw new IllegalStateException("KafkaBroker is not running: register it with @RegisterExtension on a static field");
        }
        return cluster;
    }
}
