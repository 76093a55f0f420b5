package dev.pilotspc.flink.io;

import dev.pilotspc.core.config.DefinitionException;
import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka sources and sinks of the job: measurements and feature definitions in, alerts and dead
 * letters out. Dead letters keep the original key and value bytes (cut to a size the producer
 * takes); the reason travels in the headers {@code spc.reason} and {@code spc.detail}.
 */
public final class KafkaIo {

    public static final String REASON_HEADER = "spc.reason";
    public static final String DETAIL_HEADER = "spc.detail";
    public static final String ORIGINAL_BYTES_HEADER = "spc.original_bytes";
    public static final String ORIGINAL_KEY_BYTES_HEADER = "spc.original_key_bytes";
    static final int MAX_DEAD_LETTER_KEY_BYTES = 4096;
    static final int MAX_DEAD_LETTER_DETAIL_BYTES = 1024;

    private KafkaIo() {
    }

    /** The Kafka endpoint: bootstrap servers plus any client properties (security, tuning). */
    public record Connection(String bootstrapServers, Map<String, String> properties) implements java.io.Serializable {
        Properties asProperties() {
            Properties p = new Properties();
            p.putAll(properties);
            return p;
        }

        /**
         * Producer properties: alerts and dead letters are sent in lz4-compressed batches of up to
         * 256 KB, lingering 20 ms for them to fill (with Kafka's defaults, 16 KB and 5 ms, the job ran
         * 5–10 % slower in {@code ./spc bench pipeline}, one alert per 8 measurements; uncompressed,
         * producer and broker spent about twice the CPU per alert); {@code --kafka.*} wins.
         */
        Properties producerProperties() {
            Properties p = new Properties();
            p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            p.putAll(properties);
            return p;
        }
    }

    /** Measurements parsed in the deserializer (the cheapest place), unusable ones carried as rejected records. */
    public static KafkaSource<MeasurementRecord> measurements(Connection kafka, String topic, String groupId,
            MeasurementParser parser, boolean bounded) {
        return source(kafka, topic, groupId, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                new MeasurementDeserializer(parser), bounded);
    }

    /** The compacted definitions topic, always read from its beginning so every feature is known. */
    public static KafkaSource<DefinitionUpdate> definitions(Connection kafka, String topic, String groupId,
            boolean bounded) {
        return source(kafka, topic, groupId + "-definitions", OffsetsInitializer.earliest(),
                new DefinitionDeserializer(), bounded);
    }

    /** A source of {@code topic} from {@code start}; bounded, it stops at the end the topic has when the source starts. */
    private static <T> KafkaSource<T> source(Connection kafka, String topic, String groupId, OffsetsInitializer start,
            KafkaRecordDeserializationSchema<T> deserializer, boolean bounded) {
        var builder = KafkaSource.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setProperties(kafka.asProperties())
                .setDeserializer(deserializer);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The definitions on the compacted topic now (the latest value per feature, null for a
     * tombstone, and where the read ended), read to its end with a plain consumer when the job is built: a job started afresh
     * on a backlog then charts it with them, however late its definitions source answers (live,
     * that source does not hold the watermark back). Records the job would reject (not UTF-8, not a
     * valid definition of their key's feature) are skipped here, as they change nothing there.
     * Throws when the topic's end is not reached in time.
     */
    public static PublishedDefinitions publishedDefinitions(Connection kafka, String topic, Duration timeout) {
        Properties p = kafka.asProperties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a missing topic is no definitions, not a new topic
        p.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, nothing committed
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> definitions = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                return PublishedDefinitions.NONE; // no topic yet: nothing published
            }
            List<TopicPartition> assigned = partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned, remaining(deadline));
            Map<Integer, Long> endOffsets = new HashMap<>();
            end.forEach((partition, offset) -> endOffsets.put(partition.partition(), offset));
            for (TopicPartition partition : assigned) {
                while (consumer.position(partition, remaining(deadline)) < end.get(partition)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(remaining(deadline))) {
                        // poll may return records published after the end was taken: the job's own read applies those
                        DefinitionUpdate update = definitionUpdate(record);
                        if (record.offset() < end.get(new TopicPartition(topic, record.partition())) && usable(update)) {
                            definitions.put(update.feature, update.text);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("the end of " + topic + " not reached in "
                                + timeout.toSeconds() + " s");
                    }
                }
            }
            return new PublishedDefinitions(definitions, endOffsets);
        }
    }

    /** As the job takes a definition record: a tombstone, or a valid definition of its key's feature (others change nothing). */
    private static boolean usable(DefinitionUpdate update) {
        try {
            update.definition();
            return true;
        } catch (DefinitionException e) {
            return false;
        }
    }

    /** A definitions-topic record as the job reads it (texts, the bytes that are not UTF-8, where it lies). */
    private static DefinitionUpdate definitionUpdate(ConsumerRecord<byte[], byte[]> record) {
        DefinitionUpdate update = new DefinitionUpdate(text(record.key()), text(record.value()));
        update.featureBytes = notUtf8(record.key(), update.feature);
        update.textBytes = notUtf8(record.value(), update.text);
        update.partition = record.partition();
        update.offset = record.offset();
        return update;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    public static KafkaSink<Alert> alerts(Connection kafka, String topic) {
        return KafkaSink.<Alert>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.producerProperties())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer((KafkaRecordSerializationSchema<Alert>) (alert, context, timestamp) ->
                        new ProducerRecord<>(topic, bytes(alert.key), bytes(alert.json)))
                .build();
    }

    /**
     * Dead letters to {@code topic}, each as {@link #deadLetterRecord}: at most {@code maxValueBytes}
     * of value plus a few KiB of key and headers, so the producer always takes them (a dead letter it
     * refused would fail the job again after every restart).
     */
    public static KafkaSink<DeadLetter> deadLetters(Connection kafka, String topic, int maxValueBytes) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.producerProperties())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer((KafkaRecordSerializationSchema<DeadLetter>) (d, context, timestamp) ->
                        deadLetterRecord(topic, d, maxValueBytes))
                .build();
    }

    /**
     * A dead letter as a Kafka record: the original key and value bytes, the reason and detail in
     * headers. A value longer than {@code maxValueBytes} (an {@code oversized} record, a long
     * definition) keeps its first {@code maxValueBytes} bytes and gets the header
     * {@value #ORIGINAL_BYTES_HEADER} with its full length; a key longer than
     * {@value #MAX_DEAD_LETTER_KEY_BYTES} bytes likewise ({@value #ORIGINAL_KEY_BYTES_HEADER}); a detail
     * is cut to {@value #MAX_DEAD_LETTER_DETAIL_BYTES} bytes (it may quote a field of the record).
     */
    static ProducerRecord<byte[], byte[]> deadLetterRecord(String topic, DeadLetter d, int maxValueBytes) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, bytes(d.reason));
        if (d.detail != null) {
            headers.add(DETAIL_HEADER, bytes(utf8Prefix(d.detail, MAX_DEAD_LETTER_DETAIL_BYTES)));
        }
        byte[] value = d.recordBytes != null ? d.recordBytes : bytes(d.record);
        if (value != null && value.length > maxValueBytes) {
            headers.add(ORIGINAL_BYTES_HEADER, bytes(Integer.toString(value.length)));
            value = Arrays.copyOf(value, maxValueBytes);
        }
        byte[] key = d.keyBytes != null ? d.keyBytes : bytes(d.key);
        if (key != null && key.length > MAX_DEAD_LETTER_KEY_BYTES) {
            headers.add(ORIGINAL_KEY_BYTES_HEADER, bytes(Integer.toString(key.length)));
            key = Arrays.copyOf(key, MAX_DEAD_LETTER_KEY_BYTES);
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    /** {@code s} if its UTF-8 form has at most {@code maxBytes} bytes, else its longest prefix that fits with "…" after it. */
    static String utf8Prefix(String s, int maxBytes) {
        if (MeasurementParser.utf8Length(s) <= maxBytes) {
            return s;
        }
        int room = maxBytes - 3; // "…" takes three bytes
        int end = 0;
        int bytes = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > room) {
                break;
            }
            bytes += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "\u2026";
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code bytes} where their text lost something (they are not UTF-8), so a dead letter can pass them on unchanged; else null. */
    private static byte[] notUtf8(byte[] bytes, String text) {
        return text != null && text.indexOf('\uFFFD') >= 0 && !MeasurementParser.isUtf8(bytes) ? bytes : null;
    }

    private static final class MeasurementDeserializer implements KafkaRecordDeserializationSchema<MeasurementRecord> {
        private static final long serialVersionUID = 1L;
        private final MeasurementParser parser;

        MeasurementDeserializer(MeasurementParser parser) {
            this.parser = parser;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<MeasurementRecord> out) {
            MeasurementRecord r = parser.parseJsonBytes(record.value());
            r.key = text(record.key());
            r.keyBytes = notUtf8(record.key(), r.key);
            out.collect(r);
        }

        @Override
        public TypeInformation<MeasurementRecord> getProducedType() {
            return Types.POJO(MeasurementRecord.class);
        }
    }

    private static final class DefinitionDeserializer implements KafkaRecordDeserializationSchema<DefinitionUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DefinitionUpdate> out) {
            out.collect(definitionUpdate(record));
        }

        @Override
        public TypeInformation<DefinitionUpdate> getProducedType() {
            return Types.POJO(DefinitionUpdate.class);
        }
    }
}
