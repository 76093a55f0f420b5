package dev.pilotspc.flink.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class KafkaBrokerTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void roundTripsRecordsWithHeaders() {
        KAFKA.createTopic("dlq", 1, false);
        ProducerRecord<String, String> record = new ProducerRecord<>("dlq", null, "bore", "not json",
                List.of(new RecordHeader("spc.reason", "not_json".getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("spc.source.offset", "42".getBytes(StandardCharsets.UTF_8))));
        KAFKA.produce(List.of(record));

        List<ConsumerRecord<String, String>> got = KAFKA.consume("dlq", 1, Duration.ofSeconds(10));

        assertEquals(1, got.size());
        assertEquals("bore", got.get(0).key());
        assertEquals("not json", got.get(0).value());
        assertEquals("not_json", KafkaBroker.header(got.get(0), "spc.reason"));
        assertEquals(Map.of("spc.reason", "not_json", "spc.source.offset", "42"), KafkaBroker.headers(got.get(0)));
        assertNull(KafkaBroker.header(got.get(0), "absent"));
    }

    @Test
    void keepsRawBytesAndKeyValueOrder() {
        KAFKA.createTopic("raw", 1, true);
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, '{'};
        KAFKA.produceBytes(List.of(new ProducerRecord<>("raw", "k", invalidUtf8)));
        KAFKA.produce("raw", List.of(Map.entry("a", "1"), Map.entry("b", "2")));

        List<ConsumerRecord<String, byte[]>> got = KAFKA.consumeBytes("raw", 3, Duration.ofSeconds(10));

        assertEquals(3, got.size());
        assertArrayEquals(invalidUtf8, got.get(0).value());
        assertEquals(List.of("k", "a", "b"), got.stream().map(ConsumerRecord::key).toList());
    }

    @Test
    void returnsWhatArrivedWhenFewerThanExpected() {
        KAFKA.createTopic("sparse", 2, false);
        KAFKA.produce("sparse", List.of(Map.entry("x", "only")));

        assertEquals(1, KAFKA.consume("sparse", 5, Duration.ofMillis(500)).size());
    }
}
