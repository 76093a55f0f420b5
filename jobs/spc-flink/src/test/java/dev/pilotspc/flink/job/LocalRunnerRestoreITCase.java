package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runner ({@code ./spc run} without a cluster) keeps its checkpoints when it stops, and
 * {@code --restore latest} resumes the charts from the newest one: the results file then holds exactly
 * what an uninterrupted run writes.
 */
class LocalRunnerRestoreITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    private String[] args(Path features, Path output, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--features",
                features.toString(), "--topic-measurements", "spc.restore", "--group-id", group, "--output",
                output.toString(), "--out-of-orderness", "0", "--max-wait", "0", "--state-ttl", "0", "--idleness", "1s",
                "--parallelism", "2"));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static boolean hasCheckpoint(Path root) throws Exception {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.anyMatch(f -> f.getFileName().toString().equals("_metadata"));
        }
    }

    private JobClient start(String[] args) throws Exception {
        Options o = RunCommand.options().parse(args);
        StreamExecutionEnvironment env = RunCommand.environment(o);
        assertTrue(env instanceof LocalStreamEnvironment, "the local runner: " + env.getClass());
        RunCommand.define(env, o);
        return env.executeAsync("restore-test");
    }

    @Test
    @Timeout(240)
    void aStoppedLocalRunnerResumesFromItsLatestCheckpoint() throws Exception {
        KAFKA.createTopic("spc.features", 1, true);
        KAFKA.createTopic("spc.alerts", 1, false);
        KAFKA.createTopic("spc.measurements.dlq", 1, false);
        KAFKA.createTopic("spc.restore", 2, false);
        Path features = Files.writeString(dir.resolve("features.yaml"), SavepointResumeITCase.FEATURES);
        Path checkpoints = dir.resolve("checkpoints");
        Path output = dir.resolve("results.lp");
        String[] checkpointing = {"--checkpoint-interval", "300ms", "--checkpoint-dir", checkpoints.toUri().toString()};

        Options noCheckpointDir = RunCommand.options().parse(args(features, output, "g", "--restore", "latest"));
        assertEquals("--restore latest needs --checkpoint-dir",
                assertThrows(Options.UsageException.class, () -> RunCommand.environment(noCheckpointDir)).getMessage());
        Options nothingYet = RunCommand.options().parse(args(features, output, "g", "--restore", "latest", "--checkpoint-dir",
                checkpoints.toString()));
        assertTrue(assertThrows(Options.UsageException.class, () -> RunCommand.environment(nothingYet)).getMessage()
                .startsWith("--restore latest: "));

        // the first half, stopped (cancelled) once a checkpoint exists: the checkpoint stays
        KAFKA.produce("spc.restore", SavepointResumeITCase.half(0));
        JobClient first = start(args(features, output, "restore", checkpointing));
        SavepointResumeITCase.awaitPoints(output, 30 + 9);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!hasCheckpoint(checkpoints)) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint in " + checkpoints);
            Thread.sleep(100);
        }
        first.cancel().get(60, TimeUnit.SECONDS);
        assertTrue(hasCheckpoint(checkpoints), "the checkpoint outlives the stopped job");

        // the second half, resumed from the latest checkpoint into the same results file
        KAFKA.produce("spc.restore", SavepointResumeITCase.half(SavepointResumeITCase.PER_FEATURE / 2));
        List<String> restore = new ArrayList<>(List.of(checkpointing));
        restore.addAll(List.of("--restore", "latest"));
        JobClient resumed = start(args(features, output, "restore", restore.toArray(new String[0])));
        SavepointResumeITCase.awaitPoints(output, 60 + 19);
        resumed.cancel().get(60, TimeUnit.SECONDS);

        // the same records in one uninterrupted, bounded run through the launcher's entry point
        Path whole = dir.resolve("whole.lp");
        assertEquals(0, RunCommand.run(args(features, whole, "whole", "--bounded", "--checkpoint-interval", "0")));

        long lastTs = (SavepointResumeITCase.T0 + (SavepointResumeITCase.PER_FEATURE - 1) * 1000L + 500) * 1_000_000L;
        List<String> expected = new ArrayList<>(Files.readAllLines(whole).stream().filter(l -> !l.endsWith(" " + lastTs)).toList());
        List<String> actual = new ArrayList<>(Files.readAllLines(output));
        expected.sort(null);
        actual.sort(null);
        assertTrue(expected.size() > 300, "a real amount of output: " + expected.size());
        assertEquals(expected, actual, "the resumed results file against an uninterrupted run");
    }
}
