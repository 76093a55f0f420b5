package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.testing.KafkaBroker;
import dev.pilotspc.flink.testing.SlowTopicInterceptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job started afresh with its definitions only on the topic and a backlog of measurements charts
 * them all, even when the definitions topic answers seconds after the measurements do (a slow
 * broker, injected by {@link SlowTopicInterceptor}): the definitions published before the start are
 * read when the job is built, so none of the backlog is an {@code unknown_feature} dead letter.
 */
class DefinitionsAtStartITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void chartsABacklogWhoseDefinitionsComeOnlyFromASlowTopic() throws Exception {
        KAFKA.createJobTopics(2);
        List<Map.Entry<String, String>> definitions = new ArrayList<>();
        List<Map.Entry<String, String>> measurements = new ArrayList<>();
        for (int f = 0; f < 10; f++) {
            definitions.add(Map.entry("f" + f, "{\"feature\":\"f" + f + "\",\"lsl\":9,\"usl\":11}"));
            for (int i = 0; i < 200; i++) {
                measurements.add(Map.entry("f" + f, "{\"ts\":" + (T0 + i * 1000L + f) + ",\"feature\":\"f" + f
                        + "\",\"part\":\"P" + i + "\",\"value\":" + (10 + (i % 7) * 0.01) + "}"));
            }
        }
        definitions.add(Map.entry("gone", "{\"feature\":\"gone\"}"));
        definitions.add(Map.entry("bad", "{\"feature\":\"bad\",\"lsl\":3,\"usl\":1}")); // skipped at the start too
        measurements.add(Map.entry("gone", "{\"ts\":" + T0 + ",\"feature\":\"gone\",\"value\":1}"));
        KAFKA.produce("spc.features", definitions);
        // published, then removed: its measurement is a dead letter
        KAFKA.produce(List.of(new ProducerRecord<String, String>("spc.features", "gone", null)));
        KAFKA.produce("spc.measurements", measurements);

        Path results = dir.resolve("results.lp");
        String[] args = {"--bootstrap-servers", KAFKA.bootstrapServers(), "--group-id", "fresh", "--output",
            results.toString(), "--parallelism", "2", "--idleness", "1s",
            "--kafka.interceptor.classes", SlowTopicInterceptor.class.getName()};
        Options options = RunCommand.options().parse(args);
        StreamExecutionEnvironment env = RunCommand.environment(options);
        RunCommand.define(env, options);
        JobClient job = env.executeAsync("definitions-at-start");
        try {
            // the last measurement of each feature waits for a later one (or --max-wait): at least all but 10 are charted
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (points(results) < 1990) {
                assertTrue(System.nanoTime() < deadline, "charted " + points(results) + " of 1990; dead letters by reason "
                        + reasons(KAFKA.consume("spc.measurements.dlq", 10_000, Duration.ofSeconds(1))).stream()
                                .collect(Collectors.groupingBy(r -> r, Collectors.counting())));
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
        assertEquals(List.of("invalid_definition", "unknown_feature"),
                reasons(KAFKA.consume("spc.measurements.dlq", 10_000, Duration.ofSeconds(5))).stream().sorted().toList(),
                "dead letters: the invalid definition (from the job's own read) and the removed feature's measurement");
    }

    @Test
    void aDefinitionsTopicThatDoesNotExistHoldsNoDefinitions() {
        assertEquals(PublishedDefinitions.NONE, KafkaIo.publishedDefinitions(new KafkaIo.Connection(KAFKA.bootstrapServers(), Map.of()),
                "no.such.topic", Duration.ofSeconds(20)));
    }

    private static long points(Path results) throws Exception {
        return Files.exists(results) ? Files.readAllLines(results).stream().filter(l -> l.startsWith("spc_point,")).count() : 0;
    }

    private static List<String> reasons(List<? extends org.apache.kafka.clients.consumer.ConsumerRecord<?, ?>> records) {
        return records.stream().map(r -> KafkaBroker.header(r, KafkaIo.REASON_HEADER)).toList();
    }
}
