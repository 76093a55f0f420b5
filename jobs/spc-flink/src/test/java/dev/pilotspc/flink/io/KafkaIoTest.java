package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class KafkaIoTest {

    @Test
    void producersBatchAlertsByDefault() {
        Properties p = new KafkaIo.Connection("localhost:9092", Map.of("security.protocol", "SSL")).producerProperties();
        assertEquals("20", p.get("linger.ms"));
        assertEquals("262144", p.get("batch.size"));
        assertEquals("lz4", p.get("compression.type"));
        assertEquals("SSL", p.get("security.protocol"));
    }

    @Test
    void clientPropertiesOverrideTheProducerDefaults() {
        Properties p = new KafkaIo.Connection("localhost:9092", Map.of("linger.ms", "0", "batch.size", "16384",
                "compression.type", "zstd"))
                .producerProperties();
        assertEquals("0", p.get("linger.ms"));
        assertEquals("16384", p.get("batch.size"));
        assertEquals("zstd", p.get("compression.type"));
    }

    @Test
    void deadLettersKeepTheirBytesUpToTheLimits() {
        DeadLetter small = new DeadLetter("invalid_json", "not a JSON object", "[1]", "bore");
        ProducerRecord<byte[], byte[]> r = KafkaIo.deadLetterRecord("dlq", small, 1024);
        assertEquals("[1]", new String(r.value(), StandardCharsets.UTF_8));
        assertEquals("bore", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals("invalid_json", header(r, KafkaIo.REASON_HEADER));
        assertEquals("not a JSON object", header(r, KafkaIo.DETAIL_HEADER));
        assertNull(r.headers().lastHeader(KafkaIo.ORIGINAL_BYTES_HEADER));
        assertNull(r.headers().lastHeader(KafkaIo.ORIGINAL_KEY_BYTES_HEADER));
    }

    @Test
    void aLongRecordKeyOrDetailIsCutSoTheProducerTakesIt() {
        String record = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
        String key = "k".repeat(5000);
        String detail = "no definition for feature '" + "\u00b5".repeat(2000) + "'";
        ProducerRecord<byte[], byte[]> r = KafkaIo.deadLetterRecord("dlq", new DeadLetter("oversized", detail, record, key), 1024);
        assertArrayEquals(Arrays.copyOf(record.getBytes(StandardCharsets.UTF_8), 1024), r.value(), "the first 1024 bytes");
        assertEquals(Integer.toString(record.length()), header(r, KafkaIo.ORIGINAL_BYTES_HEADER));
        assertEquals(KafkaIo.MAX_DEAD_LETTER_KEY_BYTES, r.key().length);
        assertEquals("5000", header(r, KafkaIo.ORIGINAL_KEY_BYTES_HEADER));
        String cut = header(r, KafkaIo.DETAIL_HEADER);
        // the prefix: 27 one-byte characters, then as many two-byte ones as fit 1021 bytes, then the ellipsis
        assertEquals(detail.substring(0, 27 + (1021 - 27) / 2) + "\u2026", cut);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= KafkaIo.MAX_DEAD_LETTER_DETAIL_BYTES);
    }

    @Test
    void aDetailIsNotCutInsideACharacter() {
        assertEquals("ab", KafkaIo.utf8Prefix("ab", 5));
        assertEquals("abcde", KafkaIo.utf8Prefix("abcde", 5));
        assertEquals("ab\u2026", KafkaIo.utf8Prefix("abcdef", 5));
        // a surrogate pair (4 bytes) stays whole or goes whole
        assertEquals("a\u2026", KafkaIo.utf8Prefix("a\uD83D\uDE00bcd", 7));
        assertEquals("a\uD83D\uDE00\u2026", KafkaIo.utf8Prefix("a\uD83D\uDE00bcde", 8));
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void readingTheDefinitionsOfAnUnreachableBrokerEndsAtItsTimeout() {
        long start = System.nanoTime();
        assertThrows(KafkaException.class, () -> KafkaIo.publishedDefinitions(
                new KafkaIo.Connection("127.0.0.1:1", Map.of()), "spc.features", Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "bounded by the timeout, not Kafka's 60 s default");
    }
}
