package dev.pilotspc.flink.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Blocking produce/consume helpers for tests against any broker, given its bootstrap servers. */
public final class KafkaTestClients {

    private KafkaTestClients() {
    }

    /** Sends string records (their topic, key, headers, partition and timestamp as given) and waits for every ack. */
    public static void produce(String bootstrapServers, List<ProducerRecord<String, String>> records) {
        send(bootstrapServers, records, new StringSerializer(), new StringSerializer());
    }

    /** Sends records with raw byte keys and values (e.g. a key that is not UTF-8) and waits for every ack. */
    public static void produceRaw(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        send(bootstrapServers, records, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends records with raw byte values (e.g. malformed or non-UTF-8 payloads) and waits for every ack. */
    public static void produceBytes(String bootstrapServers, List<ProducerRecord<String, byte[]>> records) {
        send(bootstrapServers, records, new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads a topic from the beginning as strings; see {@link #consumeBytes}. */
    public static List<ConsumerRecord<String, String>> consume(String bootstrapServers, String topic,
                                                               int expectedCount, Duration timeout) {
        return poll(bootstrapServers, topic, expectedCount, timeout, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Reads a topic from the beginning until {@code expectedCount} records arrived or {@code timeout} passed, and
     * returns what arrived (possibly fewer, so the caller's assertion shows what is there). Assigns all partitions
     * instead of joining a group (no rebalance wait, no committed offsets left behind); only committed
     * transactional records are read. Records are in order within a partition, not across partitions.
     */
    public static List<ConsumerRecord<String, byte[]>> consumeBytes(String bootstrapServers, String topic,
                                                                    int expectedCount, Duration timeout) {
        return poll(bootstrapServers, topic, expectedCount, timeout, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** As {@link #consumeBytes} with the keys as raw bytes too. */
    public static List<ConsumerRecord<byte[], byte[]>> consumeRaw(String bootstrapServers, String topic,
                                                                  int expectedCount, Duration timeout) {
        return poll(bootstrapServers, topic, expectedCount, timeout, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The last value of header {@code name} as UTF-8, or null if the record has no such header. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** All headers as UTF-8 strings, in record order (a repeated name keeps its last value). */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static <K, V> void send(String bootstrapServers, List<ProducerRecord<K, V>> records,
                                    Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(props, keySerializer, valueSerializer)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<K, V> record : records) {
                acks.add(producer.send(record));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("produce failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    private static <K, V> List<ConsumerRecord<K, V>> poll(String bootstrapServers, String topic, int expectedCount,
            Duration timeout, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Don't let a typo'd topic name be created by the lookup and then wait out the timeout on it.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<K, V>> received = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (received.size() < expectedCount && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            }
        }
        return received;
    }

    // The topic may be created by the job under test while we already wait for its output.
    private static List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> consumer, String topic, long deadline) {
        while (true) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(1));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (TimeoutException e) {
                // broker slow to answer: ask again until the deadline
            }
            if (System.nanoTime() > deadline) {
                return List.of();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }
}
