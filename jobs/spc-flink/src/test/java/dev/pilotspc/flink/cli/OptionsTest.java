package dev.pilotspc.flink.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Launcher options: values a job must not start with are one-line usage errors. */
class OptionsTest {

    private static Options run(String... args) {
        return RunCommand.options().parse(args);
    }

    private static String error(Runnable r) {
        return assertThrows(Options.UsageException.class, r::run).getMessage();
    }

    @Test
    void readsKafkaSecretsFromAPropertiesFileTheCommandLineOverrides(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("kafka.properties"), """
                # the service's Kafka login
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="spc" password="s3cret";
                """);
        Map<String, String> kafka = run("--kafka-properties", file.toString(), "--kafka.sasl.mechanism=SCRAM-SHA-512")
                .prefixed("kafka");
        assertEquals("SASL_SSL", kafka.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", kafka.get("sasl.mechanism"), "the command line wins");
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"spc\" password=\"s3cret\";",
                kafka.get("sasl.jaas.config"), "a continued line");
        assertEquals("--kafka-properties " + tmp.resolve("nope") + ": cannot read it (no such file)",
                error(() -> run("--kafka-properties", tmp.resolve("nope").toString()).prefixed("kafka")));
        assertEquals("SASL_SSL", new Options("simulate", "").prefix("kafka", "")
                .parse(new String[] {"--kafka-properties", file.toString()}).prefixed("kafka").get("security.protocol"));
        assertTrue(RunCommand.options().usage().contains("[env SPC_KAFKA_PROPERTIES]"));
    }

    @Test
    void passesFlinkConfigurationToTheJobAndLetsItWin(@TempDir Path tmp) {
        var env = RunCommand.environment(run("--output", "-", "--checkpoint-dir", tmp.toString(),
                "--flink.restart-strategy.type=fixed-delay", "--flink.restart-strategy.fixed-delay.attempts", "7",
                "--flink.execution.checkpointing.externalized-checkpoint-retention=DELETE_ON_CANCELLATION"));
        var conf = env.getConfiguration();
        assertEquals("fixed-delay", conf.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(7, conf.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS));
        assertEquals(org.apache.flink.configuration.ExternalizedCheckpointRetention.DELETE_ON_CANCELLATION,
                conf.get(org.apache.flink.configuration.CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION));
        assertEquals(tmp.toUri().toString(), conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY),
                "a plain path is a local directory");
    }

    @Test
    void readsDurationsWithUnitsAndRejectsNegativeOnesAndOnesThatRoundToNothing() {
        assertEquals(Duration.ofMillis(1500), run("--max-wait", "1.5s").getDuration("max-wait"));
        assertEquals(Duration.ofDays(7), run("--max-wait", "7d").getDuration("max-wait"));
        assertEquals(Duration.ZERO, run("--max-wait", "PT0S").getDuration("max-wait"));
        assertTrue(error(() -> run("--max-wait", "PT-1S").getDuration("max-wait")).contains("--max-wait"));
        assertTrue(error(() -> run("--max-wait", "0.0001s").getDuration("max-wait")).contains("at least 1 ms"));
        assertTrue(error(() -> run("--max-wait", "soon").getDuration("max-wait")).contains("like 500ms"));
    }

    @Test
    void refusesAnOptionGivenTwiceWithDifferentValuesAndAFlagThatIsNeitherTrueNorFalse() {
        assertEquals("option --max-wait is given twice, as '5s' and as '10s'",
                error(() -> run("--max-wait", "5s", "--max-wait=10s")));
        assertEquals("option --kafka.security.protocol is given twice, as 'SSL' and as 'PLAINTEXT'",
                error(() -> run("--kafka.security.protocol=SSL", "--kafka.security.protocol", "PLAINTEXT")));
        assertEquals(Duration.ofSeconds(5), run("--max-wait", "5s", "--max-wait", "5s").getDuration("max-wait"),
                "the same value twice is no contradiction");
        assertEquals("option --bounded is a flag: give it alone, or =true or =false, got 'yes'",
                error(() -> run("--bounded=yes")));
        assertTrue(run("--bounded=TRUE").flagSet("bounded"));
        assertTrue(!run("--bounded=false").flagSet("bounded"));
        assertTrue(run("--bounded").flagSet("bounded"));
    }

    @Test
    void rejectsReadinessOptionsThatWouldCallAnyBatchReady() {
        // a negative window made every point "recent history" of nothing: the worst batch was ready
        assertTrue(error(() -> run("--ready-window", "-1").readinessPolicy()).contains("--ready-window must be at least 0"));
        assertTrue(error(() -> run("--ready-min-parts", "-1").readinessPolicy()).contains("--ready-min-parts"));
        assertTrue(error(() -> run("--ready-min-parts", "100001").readinessPolicy()).contains("at most 100000"));
        assertTrue(error(() -> run("--ready-min-index", "-5").readinessPolicy()).contains("above 0"));
        assertTrue(error(() -> run("--ready-min-index", "NaN").readinessPolicy()).contains("above 0"));
        assertEquals(50, run("--ready-window", "50").readinessPolicy().window);
    }

    @Test
    void acceptsAStateTtlOnlyWellAboveTheStallWait() {
        assertEquals(Duration.ofDays(30), RunCommand.stateTtl(run()));
        assertEquals(Duration.ZERO, RunCommand.stateTtl(run("--state-ttl", "0", "--max-wait", "0")));
        assertTrue(error(() -> RunCommand.stateTtl(run("--max-wait", "0"))).contains("--max-wait above 0"));
        assertTrue(error(() -> RunCommand.stateTtl(run("--state-ttl", "8s", "--max-wait", "5s"))).contains("half the TTL"));
    }

    @Test
    void passesThisCommandsInfluxDefaultsUnlessGiven() {
        assertEquals("unlimited", run("--influx-url", "http://h:8086").influxValues().get("influx-max-retries"));
        assertEquals("5", ReplayCommand.options().parse(new String[] {"--influx-url", "http://h:8086"}).influxValues()
                .get("influx-max-retries"));
        assertEquals("2", run("--influx-max-retries", "2").influxValues().get("influx-max-retries"));
        assertTrue(RunCommand.options().usage().contains("[env INFLUX_BUCKET]"));
        assertTrue(error(() -> RunCommand.influxOptions(run("--influx-transport", "v3"))).contains("needs --influx-url"));
    }

    @Test
    void keepsAnOversizedRecordSmallEnoughForTheDeadLetterTopic() {
        // a dead letter the producer refuses would fail the job on every restart
        String error = error(() -> {
            try {
                RunCommand.define(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                        .getExecutionEnvironment(), run("--output", "-", "--max-record-bytes", "2000000"));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(error.contains("max.request.size 1048576"), error);
    }

    @Test
    void rejectsCountsBelowTheirMinimum() {
        assertTrue(error(() -> run("--max-record-bytes", "0").getInt("max-record-bytes", 32)).contains("at least 32"));
        assertTrue(error(() -> run("--parallelism", "x").getInt("parallelism", 1)).contains("needs an integer"));
    }
}
