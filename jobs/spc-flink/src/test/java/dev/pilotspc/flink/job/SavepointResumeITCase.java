package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stopping the job with a savepoint mid-batch and resuming from it gives exactly the results of an
 * uninterrupted run: charts, baselines, EWMA/CUSUM, capability and drift all continue, also when the
 * job resumes with another parallelism (the charts' key groups move to other subtasks, every subtask
 * gets the broadcast definitions).
 */
class SavepointResumeITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(3).build());

    static final long T0 = 1_764_000_000_000L;
    static final int PER_FEATURE = 60;
    static final String FEATURES = """
            - feature: bore
              lsl: 9.9
              usl: 10.1
              baseline: 20
              ewma: {lambda: 0.2, sigmas: 2.962}
              cusum: {k: 0.5, h: 5, head_start: 0.5}
            - feature: length
              chart: xbar_s
              subgroup_size: 3
              baseline: 5
              lsl: 9.9
              usl: 10.1
            """;

    @TempDir
    Path dir;

    /** Half of a two-feature batch (parts {@code from} .. {@code from + 29}); the bore drifts from part 36. */
    static List<Map.Entry<String, String>> half(int from) {
        Random random = new Random(from);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = from; i < from + PER_FEATURE / 2; i++) {
            for (String feature : List.of("bore", "length")) {
                double drift = i > 35 && feature.equals("bore") ? 0.002 * (i - 35) : 0;
                String value = String.format(Locale.ROOT, "%.5f", 10 + drift + 0.01 * random.nextGaussian());
                long ts = T0 + i * 1000L + (feature.equals("bore") ? 0 : 500);
                records.add(Map.entry(feature, "{\"ts\":" + ts + ",\"feature\":\"" + feature + "\",\"batch\":\"B\","
                        + "\"part\":\"P" + i + "\",\"value\":" + value + "}"));
            }
        }
        return records;
    }

    private StreamGraph job(String topic, int parallelism, String backend, Path features, Path output, String group,
            boolean bounded, String savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        Configuration state = new Configuration();
        state.set(StateBackendOptions.STATE_BACKEND, backend);
        state.set(RocksDBOptions.LOCAL_DIRECTORIES, dir.resolve("rocksdb").toString());
        env.configure(state);
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--features",
                features.toString(), "--topic-measurements", topic, "--group-id", group, "--output", output.toString(),
                "--out-of-orderness", "0", "--max-wait", "0", "--state-ttl", "0", "--idleness", "1s", "--checkpoint-interval", bounded ? "0" : "500ms"));
        if (bounded) {
            args.add("--bounded");
        }
        RunCommand.define(env, RunCommand.options().parse(args.toArray(new String[0])));
        StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return graph;
    }

    /** Files in RocksDB's local directory (state.backend.rocksdb.localdir), or 0 when it does not exist. */
    private long rocksDbFiles() throws Exception {
        Path local = dir.resolve("rocksdb");
        if (!Files.exists(local)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(local)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    static long points(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith("spc_point,")).count() : 0;
    }

    static void awaitPoints(Path file, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (points(file) < expected) {
            assertTrue(System.nanoTime() < deadline, "only " + points(file) + " of " + expected + " points in " + file);
            Thread.sleep(100);
        }
    }

    @BeforeAll
    static void topics() {
        KAFKA.createTopic("spc.features", 1, true);
        KAFKA.createTopic("spc.alerts", 1, false);
        KAFKA.createTopic("spc.measurements.dlq", 1, false);
    }

    /**
     * Also on RocksDB, where every state read is a fresh copy (a chart changed but not written back
     * would lose the change) and timers live in RocksDB too, and moving a job from the heap backend
     * to RocksDB through a (canonical) savepoint.
     */
    @ParameterizedTest(name = "parallelism 2 on {0}, resumed with {2} on {1}")
    @CsvSource({"hashmap, hashmap, 2", "hashmap, hashmap, 1", "hashmap, hashmap, 3", "rocksdb, rocksdb, 3", "hashmap, rocksdb, 2"})
    @Timeout(240)
    void resumingFromASavepointContinuesTheChartsExactly(String backend, String resumedBackend, int resumedParallelism)
            throws Exception {
        String topic = "spc.resume-" + backend + "-" + resumedBackend + "-" + resumedParallelism;
        KAFKA.createTopic(topic, 2, false);
        Path features = Files.writeString(dir.resolve("features.yaml"), FEATURES);
        KAFKA.produce(topic, half(0));

        // first half, then stop with a savepoint (the newest measurement still waits for the watermark)
        Path first = dir.resolve("first.lp");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobClient running = env.executeAsync(job(topic, 2, backend, features, first, "resume", false, null));
        awaitPoints(first, 30 + 9);
        assertEquals(backend.equals("rocksdb"), rocksDbFiles() > 0, "the charts live in RocksDB's directory on RocksDB only");
        String savepoint = running.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        // second half from the savepoint
        KAFKA.produce(topic, half(PER_FEATURE / 2));
        Path second = dir.resolve("second.lp");
        JobClient resumed = env.executeAsync(job(topic, resumedParallelism, resumedBackend, features, second, "resume", false, savepoint));
        // 30 bore points and 10 subgroups of length (the one left waiting, then 9; the last waits again);
        // a measurement's results are written in one piece, so its point means all of them are there
        awaitPoints(second, 30 + 10);
        resumed.cancel().get(60, TimeUnit.SECONDS);

        // the same records in one uninterrupted, bounded run
        Path whole = dir.resolve("whole.lp");
        env.execute(job(topic, 2, "hashmap", features, whole, "whole-" + System.nanoTime(), true, null));

        long lastTs = (T0 + (PER_FEATURE - 1) * 1000L + 500) * 1_000_000L;
        List<String> expected = Files.readAllLines(whole).stream().filter(l -> !l.endsWith(" " + lastTs)).sorted()
                .collect(Collectors.toList());
        List<String> actual = new ArrayList<>(Files.readAllLines(first));
        actual.addAll(Files.readAllLines(second));
        actual.sort(null);
        assertTrue(expected.size() > 300, "a real amount of output: " + expected.size());
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        assertEquals(List.of(), missing, "results of the uninterrupted run that the resumed runs lack");
        assertEquals(List.of(), extra, "results of the resumed runs that the uninterrupted run lacks");
    }
}
