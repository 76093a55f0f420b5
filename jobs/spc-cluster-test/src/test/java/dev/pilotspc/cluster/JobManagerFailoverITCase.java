package dev.pilotspc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.ReplayCommand;
import dev.pilotspc.flink.testing.InfluxServer;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * JobManager high availability with ZooKeeper on a standalone cluster: the JobManager's JVM is
 * killed mid-stream, a new one with the same configuration takes the running job (same id) from the
 * HA store and restores it from its latest checkpoint, and what lands in InfluxDB equals a replay.
 */
class JobManagerFailoverITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void newJobManagerRecoversTheRunningJobFromItsLatestCheckpoint() throws Exception {
        KAFKA.createJobTopics(2);
        Path features = Files.writeString(dir.resolve("features.yaml"), PilotBatch.FEATURES);
        List<String> measurements = PilotBatch.measurements();
        Path expected = dir.resolve("expected.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input",
            Files.write(dir.resolve("measurements.jsonl"), measurements).toString(), "--output", expected.toString()}));

        Path jar = Path.of(System.getProperty("spc.job.jar"));
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + ": run through `mvn verify` (after spc-flink's package)");
        try (TestingServer zooKeeper = new TestingServer(true);
             InfluxServer influx = InfluxServer.start("spc");
             StandaloneCluster cluster = StandaloneCluster.start(System.getProperty("flink.cluster.classpath"), 2, List.of(
                     "high-availability.type: zookeeper",
                     "high-availability.zookeeper.quorum: " + zooKeeper.getConnectString(),
                     "high-availability.storageDir: " + dir.resolve("ha").toUri(),
                     "high-availability.cluster-id: /spc-it",
                     // a killed JobManager stays the leader until its session expires (default 60 s)
                     "high-availability.zookeeper.client.session-timeout: 6 s"))) {
            Path output = dir.resolve("results.lp");
            String job = cluster.submit(jar, null, List.of("--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--features", features.toString(), "--influx-url", influx.url(), "--influx-db", "spc",
                    "--output", output.toString(),
                    "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--checkpoint-interval", "1s",
                    "--idleness", "1s", "--max-wait", "1s", "--parallelism", "2"));
            int half = measurements.size() / 2;
            KAFKA.produce(PilotBatch.records(measurements.subList(0, half)));
            PilotBatch.awaitPoints(influx, 30, cluster);
            long checkpoint = cluster.awaitCheckpoint(job, System.currentTimeMillis(), Duration.ofSeconds(30));

            cluster.killJobManager();
            cluster.startJobManager();
            cluster.awaitState(job, "RUNNING", Duration.ofSeconds(60));
            String restored = cluster.restoredFrom(job);
            assertTrue(restored.contains(job + "/chk-"), "the recovered job restored no checkpoint of its own: '" + restored + "'");
            long restoredId = Long.parseLong(restored.substring(restored.lastIndexOf("chk-") + 4));
            assertTrue(restoredId >= checkpoint, "restored checkpoint " + restoredId + ", older than " + checkpoint);

            KAFKA.produce(PilotBatch.records(measurements.subList(half, measurements.size())));
            // at-least-once after the restore: what came after the checkpoint is written again, the same
            Map<String, Map<String, Object>> want = PilotBatch.results(expected);
            PilotBatch.awaitPoints(influx, want.keySet().stream().filter(k -> k.startsWith("spc_point,")).count(), cluster);
            PilotBatch.awaitBatchVerdict(influx, PilotBatch.lastBatchVerdict(expected));
            cluster.cancel(job, Duration.ofSeconds(60));
            assertEquals(want, PilotBatch.fromInflux(influx), "InfluxDB content differs from the replay of the same measurements");
            // the results file was cut back to the restored checkpoint's length: each point once
            List<String> points = Files.readAllLines(output).stream().filter(l -> l.startsWith("spc_point,")).toList();
            List<String> replayed = Files.readAllLines(expected).stream().filter(l -> l.startsWith("spc_point,")).toList();
            assertEquals(replayed.size(), points.size(), "points in the results file");
            assertEquals(new java.util.HashSet<>(replayed), new java.util.HashSet<>(points), "the results file's points");
        }
    }
}
