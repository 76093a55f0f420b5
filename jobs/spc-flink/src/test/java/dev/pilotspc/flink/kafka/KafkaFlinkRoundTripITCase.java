package dev.pilotspc.flink.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.pilotspc.flink.testing.KafkaBroker;

/** Proves Flink 2.2, the Kafka connector and the Kafka 4.2 broker/clients work together (a mismatch hangs: hence the timeout). */
class KafkaFlinkRoundTripITCase {

    private static final int RECORDS = 200;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    @Timeout(120)
    void copiesEveryRecordFromTopicToTopicThroughAFlinkJob() throws Exception {
        KAFKA.createTopic("in", 2, false);
        KAFKA.createTopic("out", 2, false);
        KAFKA.produce("in", IntStream.range(0, RECORDS).mapToObj(i -> Map.entry("k" + i % 7, "m" + i)).toList());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setTopics("in")
                .setGroupId("round-trip")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder()
                        .setTopic("out")
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-in").uid("kafka-in")
                .map(String::toUpperCase).uid("upper-case").name("upper-case")
                .sinkTo(sink).uid("kafka-out").name("kafka-out");
        env.execute("kafka-round-trip");

        List<ConsumerRecord<String, String>> out = KAFKA.consume("out", RECORDS, Duration.ofSeconds(30));
        List<String> expected = IntStream.range(0, RECORDS).mapToObj(i -> "M" + i).sorted().toList();
        assertEquals(expected, out.stream().map(ConsumerRecord::value).sorted().toList());
    }
}
