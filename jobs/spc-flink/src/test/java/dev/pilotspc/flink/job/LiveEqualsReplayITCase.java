package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.ReplayCommand;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.testing.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job charts what a replay of the same records charts: measurements delivered out of
 * event-time order (within --out-of-orderness) in bursts while the watermark moves on, spread over
 * two partitions and read by two subtasks, some delivered twice, give the same results line for
 * line as the replay, which sorts the file first. Only the batch verdict lines ({@code feature=*})
 * are left out: they are stamped when a verdict reaches the batch operator, which live depends on
 * the interleaving of the charts.
 */
class LiveEqualsReplayITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path dir;

    private record Delivery(long deliverAt, String feature, String json) {
    }

    /** Four charts' kinds over two batches; a step on one feature, a drift on another. */
    private static List<Delivery> batch(Random random) {
        List<Delivery> deliveries = new ArrayList<>();
        String[] features = {"bore", "length", "wall", "flat"};
        for (int f = 0; f < features.length; f++) {
            for (String batch : List.of("B1", "B2")) {
                for (int i = 0; i < 72; i++) {
                    double mean = 10 + (features[f].equals("bore") && i >= 45 ? 0.02 : 0)
                            + (features[f].equals("flat") ? 0.0008 * Math.max(0, i - 30) : 0);
                    long ts = T0 + i * 1000L + f * 37 + (batch.equals("B2") ? 500 : 0);
                    String json = String.format(Locale.ROOT,
                            "{\"ts\":%d,\"feature\":\"%s\",\"batch\":\"%s\",\"part\":\"P%03d\",\"station\":\"s%d\",\"value\":%.5f}",
                            ts, features[f], batch, i, i % 2, mean + 0.01 * random.nextGaussian());
                    // delivered up to 1.5 s out of event-time order (the job allows 2 s)
                    long deliverAt = ts + random.nextInt(1500);
                    deliveries.add(new Delivery(deliverAt, features[f], json));
                    if (random.nextInt(20) == 0) {
                        deliveries.add(new Delivery(deliverAt + random.nextInt(400), features[f], json)); // delivered twice
                    }
                }
            }
        }
        deliveries.sort(Comparator.comparingLong(Delivery::deliverAt));
        return deliveries;
    }

    private static List<String> charted(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file).stream()
                .filter(l -> !l.contains(",feature=* ") && !l.contains("batch=FLUSH")).toList());
        lines.sort(null);
        return lines;
    }

    /** On the heap backend and on RocksDB (`--flink.state.backend.type rocksdb`, as the local runner takes it). */
    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    @Timeout(240)
    void theLiveJobChartsWhatAReplayOfTheSameRecordsCharts(String backend) throws Exception {
        KAFKA.createJobTopics(2);
        String topic = "spc.measurements." + backend;
        KAFKA.createTopic(topic, 2, false);
        Path features = Files.writeString(dir.resolve("features.yaml"), """
                - feature: bore
                  lsl: 9.9
                  usl: 10.1
                  baseline: 20
                  ewma: {lambda: 0.2, sigmas: 2.962}
                  cusum: {k: 0.5, h: 5, head_start: 0.5}
                - feature: length
                  chart: xbar_r
                  subgroup_size: 4
                  baseline: 5
                  lsl: 9.9
                  usl: 10.1
                  rules: nelson
                - feature: wall
                  chart: xbar_s
                  subgroup_size: 3
                  baseline: 6
                  lsl: 9.95
                - feature: flat
                  baseline: 20
                  usl: 10.1
                  drift: {enabled: true, window: 15, alpha: 0.01}
                """);
        List<Delivery> deliveries = batch(new Random(11));
        List<Map.Entry<String, String>> records = new ArrayList<>();
        StringBuilder file = new StringBuilder();
        for (Delivery d : deliveries) {
            records.add(Map.entry(d.feature(), d.json()));
            file.append(d.json()).append('\n');
        }
        // the job runs while the records arrive in bursts, so its watermark passes some before others come:
        // a record is at most 1.5 s behind any delivered before it, so none is late at 2 s out-of-orderness
        // (unless a partition counts as idle between bursts while the other runs ahead: on a loaded
        // machine a 1 s idleness did, so 5 s; the flush below needs it once)
        Path live = dir.resolve("live.lp");
        String[] args = {"--bootstrap-servers", KAFKA.bootstrapServers(), "--features", features.toString(), "--group-id",
            "live-" + backend, "--topic-measurements", topic, "--flink.state.backend.type", backend,
            "--flink.state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString(), "--output", live.toString(), "--parallelism", "2", "--checkpoint-interval", "500ms",
            "--out-of-orderness", "2s", "--idleness", "5s", "--max-wait", "0", "--state-ttl", "0"};
        Options options = RunCommand.options().parse(args);
        StreamExecutionEnvironment env = RunCommand.environment(options);
        RunCommand.define(env, options);
        JobClient job = env.executeAsync("live");
        int bursts = 8;
        for (int b = 0; b < bursts; b++) {
            KAFKA.produce(topic, records.subList(b * records.size() / bursts, (b + 1) * records.size() / bursts));
            if (b == 0) {
                // the job reads: its first results are written
                long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (charted(live).isEmpty()) {
                    assertTrue(System.nanoTime() < started, "the job charts nothing");
                    Thread.sleep(100);
                }
            }
            Thread.sleep(600);
        }
        // a measurement an hour later per feature (batch FLUSH, not compared) moves every partition's watermark past the rest
        List<Map.Entry<String, String>> flush = new ArrayList<>();
        for (String feature : List.of("bore", "length", "wall", "flat")) {
            flush.add(Map.entry(feature, "{\"ts\":" + (T0 + 3_600_000L) + ",\"feature\":\"" + feature
                    + "\",\"batch\":\"FLUSH\",\"value\":10}"));
        }
        KAFKA.produce(topic, flush);
        Path input = Files.writeString(dir.resolve("delivered.jsonl"), file);
        Path replay = dir.resolve("replay.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input", input.toString(),
            "--output", replay.toString()}));

        List<String> expected = charted(replay);
        long points = expected.stream().filter(l -> l.startsWith("spc_point,")).count();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (charted(live).stream().filter(l -> l.startsWith("spc_point,")).count() < points) {
            if (System.nanoTime() > deadline) {
                List<String> reasons = KAFKA.consume("spc.measurements.dlq", 100, Duration.ofSeconds(3)).stream()
                        .map(r -> KafkaBroker.header(r, KafkaIo.REASON_HEADER)).distinct().toList();
                throw new AssertionError("live points: " + charted(live).stream().filter(l -> l.startsWith("spc_point,")).count()
                        + " of " + points + "; dead-letter reasons " + reasons);
            }
            Thread.sleep(200);
        }
        assertEquals(backend.equals("rocksdb"), Files.exists(dir.resolve("rocksdb")), "the charts live in RocksDB on RocksDB only");
        job.cancel().get(60, TimeUnit.SECONDS);
        List<String> actual = charted(live);
        assertTrue(expected.stream().filter(l -> l.startsWith("spc_point,")).count() > 350, "a real amount: " + expected.size());
        assertTrue(deliveries.size() > 576, "some records delivered twice: " + deliveries.size());
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("spc_violation,")), "violations compared too");
        assertTrue(expected.stream().anyMatch(l -> l.startsWith("spc_drift,")), "drift alarms compared too");
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        assertEquals(List.of(), missing.subList(0, Math.min(5, missing.size())), missing.size() + " replay results the live job lacks");
        assertEquals(List.of(), extra.subList(0, Math.min(5, extra.size())), extra.size() + " live results the replay lacks");
    }
}
