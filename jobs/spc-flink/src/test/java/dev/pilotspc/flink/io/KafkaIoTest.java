package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
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
}
