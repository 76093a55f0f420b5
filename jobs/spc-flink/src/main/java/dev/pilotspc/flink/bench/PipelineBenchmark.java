package dev.pilotspc.flink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.io.MeasurementParser;
import dev.pilotspc.flink.kafka.EmbeddedKafka;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.workflow.EventTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./spc bench pipeline}: in one run against one in-process broker and topic, the throughput
 * of a plain Kafka consumer (the source's ceiling), of a minimal Flink job (the framework's
 * ceiling) and of the pilot-spc job, then the job's alert latency at half its maximum rate.
 */
public final class PipelineBenchmark {

    private static final String TOPIC = "spc.measurements";
    private static final String LATENCY_TOPIC = "spc.latency";
    private static final long T0 = 1_764_000_000_000L;

    private PipelineBenchmark() {
    }

    static Options options() {
        return new Options("bench pipeline", "End-to-end throughput and alert latency on this machine.")
                .option("records", "measurements loaded into the topic", null, "2000000")
                .option("features", "distinct features (keys)", null, "1000")
                .option("partitions", "partitions of the topic", null, "4")
                .option("parallelism", "Flink parallelism", null, "2")
                .option("rounds", "timed rounds of each of consumer, floor and job (best counts)", null, "5")
                .option("latency-seconds", "length of the latency phase", null, "10")
                .option("out-of-orderness", "the job's bounded out-of-orderness", null, "200ms")
                .flag("output-floor", "also time the floor writing the contract's four result lines per measurement "
                        + "(no charting): what the job's output alone costs");
    }

    public static int run(String[] args) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(System.out)) {
            return 0;
        }
        int records = o.getInt("records");
        int features = o.getInt("features");
        int partitions = o.getInt("partitions");
        int parallelism = o.getInt("parallelism");
        int rounds = o.getInt("rounds");
        Path work = Files.createTempDirectory("spc-bench-");
        Path featuresFile = writeFeatures(work, features);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); CpuClock cpu = new CpuClock();
                LocalCluster flink = LocalCluster.start(parallelism)) {
            kafka.createTopics(Map.of(TOPIC, partitions, LATENCY_TOPIC, partitions, "spc.features", 1,
                    "spc.alerts", 1, "spc.measurements.dlq", 1), Set.of("spc.features"));
            System.out.printf(Locale.ROOT, "loading %,d measurements of %,d features into %d partitions...%n",
                    records, features, partitions);
            long bytes = load(kafka.bootstrapServers(), records, features);
            System.out.printf(Locale.ROOT, "loaded %,d bytes (%.0f bytes per record)%n", bytes, (double) bytes / records);

            double consumer = 0;
            double floor = 0;
            double job = 0;
            boolean outputFloor = o.flagSet("output-floor");
            double floorWithResults = 0;
            for (int r = 1; r <= rounds; r++) {
                double c = consume(kafka.bootstrapServers(), records);
                Timing f = runFloor(flink, kafka.bootstrapServers(), parallelism, work, records, r, false, cpu);
                String withResults = "";
                if (outputFloor) {
                    Timing fr = runFloor(flink, kafka.bootstrapServers(), parallelism, work, records, r, true, cpu);
                    withResults = String.format(Locale.ROOT, "floor+results %,.0f/s (%.1f µs CPU each)  ", fr.perSecond(),
                            fr.cpuMicros());
                    floorWithResults = Math.max(floorWithResults, fr.perSecond());
                }
                Timing j = runJob(flink, kafka.bootstrapServers(), featuresFile, parallelism, work, records, r, o, cpu);
                System.out.printf(Locale.ROOT, "round %d: consumer %,.0f/s  floor %,.0f/s (%.1f µs CPU each)  %s"
                        + "job %,.0f/s (%.1f µs CPU each)%n", r, c, f.perSecond(), f.cpuMicros(), withResults, j.perSecond(),
                        j.cpuMicros());
                consumer = Math.max(consumer, c);
                floor = Math.max(floor, f.perSecond());
                job = Math.max(job, j.perSecond());
            }
            double rate = job / 2;
            System.out.printf(Locale.ROOT, "latency phase: %,.0f measurements/s for %s s...%n", rate,
                    o.get("latency-seconds"));
            double p99 = latencyP99(flink, kafka.bootstrapServers(), featuresFile, parallelism, rate,
                    o.getInt("latency-seconds"), features, o);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-34s %14s %10s%n", "stage", "records/s", "/ consumer");
            System.out.printf(Locale.ROOT, "%-34s %,14.0f %10.2f%n", "plain Kafka consumer (byte[])", consumer, 1.0);
            System.out.printf(Locale.ROOT, "%-34s %,14.0f %10.2f%n", "Flink floor (parse, key, 1 line)", floor, floor / consumer);
            if (outputFloor) {
                System.out.printf(Locale.ROOT, "%-34s %,14.0f %10.2f   (%.2f of the floor)%n", "floor + 4 result lines, no charts",
                        floorWithResults, floorWithResults / consumer, floorWithResults / floor);
            }
            System.out.printf(Locale.ROOT, "%-34s %,14.0f %10.2f%n", "pilot-spc job (all results)", job, job / consumer);
            System.out.printf(Locale.ROOT, "alert latency p99 at %,.0f/s: %.0f ms (out-of-orderness %s)%n", rate, p99,
                    o.get("out-of-orderness"));
            System.out.printf(Locale.ROOT, "job_per_s=%.0f consumer_per_s=%.0f floor_per_s=%.0f ratio=%.3f floor_ratio=%.3f "
                    + "p99_latency_ms=%.0f%n", job, consumer, floor, job / consumer, job / floor, p99);
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    /** I-MR features with every detector on and limits known from history, so all charts monitor at once. */
    private static Path writeFeatures(Path dir, int features) throws Exception {
        return Files.writeString(dir.resolve("features.yaml"), featuresYaml(features));
    }

    static String featuresYaml(int features) {
        StringBuilder yaml = new StringBuilder("features:\n");
        for (int f = 0; f < features; f++) {
            yaml.append("  - feature: ").append(feature(f)).append('\n')
                    .append("    lsl: 9.9\n    usl: 10.1\n")
                    .append("    limits: {mean: 10, sigma: 0.02}\n")
                    .append("    ewma: {lambda: 0.2, sigmas: 2.962}\n")
                    .append("    cusum: {k: 0.5, h: 5}\n");
        }
        return yaml.toString();
    }

    private static String feature(int f) {
        return String.format(Locale.ROOT, "bench.feature_%04d", f);
    }

    /** The i-th loaded measurement: feature i mod features, N(10, 0.02) with a 4-sigma outlier in 1 of 200. */
    static String measurement(int i, int features, Random random) {
        double z = random.nextGaussian() + (random.nextInt(200) == 0 ? 4 : 0);
        return json(T0 + i, i % features, "P" + i / features, 10 + 0.02 * z);
    }

    private static String json(long ts, int feature, String part, double value) {
        return "{\"ts\":" + ts + ",\"feature\":\"" + feature(feature) + "\",\"batch\":\"B1\",\"part\":\"" + part
                + "\",\"value\":" + String.format(Locale.ROOT, "%.5f", value) + "}";
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static long load(String bootstrap, int records, int features) {
        Random random = new Random(1);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
                byte[] value = measurement(i, features, random).getBytes(StandardCharsets.UTF_8);
                bytes += value.length;
                producer.send(new ProducerRecord<>(TOPIC, feature(i % features).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        return bytes;
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(tuned());
        return p;
    }

    /** The source's ceiling: a plain consumer reading every record of the topic as bytes. */
    private static double consume(String bootstrap, int records) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(TOPIC).forEach(p -> parts.add(new TopicPartition(TOPIC, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long seen = 0;
            long sink = 0;
            long start = 0;
            while (seen < records) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    sink += r.value().length;
                    seen++;
                }
            }
            return sink > 0 ? records / ((System.nanoTime() - start) / 1e9) : 0;
        }
    }

    /** The floor's round, with {@code results} the contract's four result lines per measurement instead of one line. */
    private static Timing runFloor(LocalCluster flink, String bootstrap, int parallelism, Path work, int records, int round,
            boolean results, CpuClock cpu) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        KafkaIo.Connection kafka = new KafkaIo.Connection(bootstrap, tuned());
        DataStream<MeasurementRecord> in = env.fromSource(
                KafkaIo.measurements(kafka, TOPIC, "floor-" + round + "-" + System.nanoTime(), new MeasurementParser(), true),
                EventTime.liveMeasurements(Duration.ofMillis(200), Duration.ZERO), "measurements");
        TimingSink.reset();
        if (results) {
            FloorJob.defineWithResults(in).sinkTo(TimingSink.results(work.resolve("floor").toString())).name("floor-file");
        } else {
            FloorJob.define(in).sinkTo(TimingSink.bytes(work.resolve("floor").toString())).name("floor-file");
        }
        flink.run(env, results ? "spc-bench-floor-results" : "spc-bench-floor");
        deleteOutputs(work);
        return Timing.of(records, cpu);
    }

    private static Timing runJob(LocalCluster flink, String bootstrap, Path features, int parallelism, Path work, int records, int round,
            Options bench, CpuClock cpu) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        Options o = jobOptions(bootstrap, features, TOPIC, "job-" + round + "-" + System.nanoTime(), true, bench);
        TimingSink.reset();
        RunCommand.define(env, o).sinkLinesChained(() -> TimingSink.results(work.resolve("job").toString()), "results-file",
                "results-file");
        flink.run(env, "spc-bench-job");
        deleteOutputs(work);
        return Timing.of(records, cpu);
    }

    /**
     * A phase's throughput from its first to its last result, and the CPU time this JVM used in that
     * span per measurement (all threads: tasks, GC, JIT, the broker): the rate says how fast, the
     * CPU what each measurement costs, which varies less when the machine's speed does.
     */
    private record Timing(double perSecond, double cpuMicros) {
        static Timing of(int records, CpuClock cpu) {
            long first = TimingSink.FIRST.get();
            long last = TimingSink.LAST.get();
            if (last <= first) {
                return new Timing(0, Double.NaN);
            }
            return new Timing(records / ((last - first) / 1e9), cpu.cpuNanosBetween(first, last) / records / 1e3);
        }
    }

    private static Map<String, String> tuned() {
        return Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000",
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20),
                ConsumerConfig.RECEIVE_BUFFER_CONFIG, Integer.toString(4 << 20));
    }

    private static Options jobOptions(String bootstrap, Path features, String topic, String group, boolean bounded,
            Options bench) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--features", features.toString(),
                "--topic-measurements", topic, "--group-id", group, "--checkpoint-interval", "0",
                "--out-of-orderness", bench.get("out-of-orderness"), "--idleness", "0"));
        tuned().forEach((k, v) -> args.add("--kafka." + k + "=" + v));
        if (bounded) {
            args.add("--bounded");
        }
        return RunCommand.options().parse(args.toArray(new String[0]));
    }

    /**
     * Runs the job live, produces at {@code rate} with event time = now and a 50-sigma outlier every
     * 200th record, and measures event time → arrival of its violation alert on {@code spc.alerts}.
     */
    private static double latencyP99(LocalCluster flink, String bootstrap, Path features, int parallelism, double rate, int seconds,
            int featureCount, Options bench) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        Options o = jobOptions(bootstrap, features, LATENCY_TOPIC, "latency-" + System.nanoTime(), false, bench);
        RunCommand.define(env, o).sinkLinesChained(() -> TimingSink.results(features.getParent().resolve("latency").toString()),
                "results-file", "results-file");
        JobID job = flink.submit(env, "spc-bench-latency");
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        ObjectMapper json = new ObjectMapper();
        Thread alerts = new Thread(() -> {
            Properties p = consumerProperties(bootstrap);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition("spc.alerts", 0);
                consumer.assign(List.of(tp));
                consumer.seekToEnd(List.of(tp));
                long stopAt = Long.MAX_VALUE;
                while (System.nanoTime() < stopAt) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        JsonNode a = json.readTree(r.value());
                        if ("violation".equals(a.path("type").asText()) && "WE1".equals(a.path("rule").asText())
                                && a.path("part").asText().startsWith("L")) {
                            synchronized (latencies) {
                                latencies.add(now - a.path("ts_ns").asLong() / 1_000_000);
                            }
                        }
                    }
                    if (!producing.get() && stopAt == Long.MAX_VALUE) {
                        stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-alerts");
        alerts.start();
        Thread.sleep(3000); // job start-up
        Random random = new Random(2);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            long start = System.nanoTime();
            long total = (long) (rate * seconds);
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int f = (int) (i % featureCount);
                boolean outlier = i % 200 == 199;
                double value = outlier ? 11 : 10 + 0.02 * random.nextGaussian();
                String part = (outlier ? "L" : "P") + i;
                String text = json(System.currentTimeMillis(), f, part, value);
                producer.send(new ProducerRecord<>(LATENCY_TOPIC, feature(f).getBytes(StandardCharsets.UTF_8),
                        text.getBytes(StandardCharsets.UTF_8)));
            }
        }
        producing.set(false);
        alerts.join();
        flink.cancel(job);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "latency samples: %d, median %d ms%n", sorted.length,
                sorted.length == 0 ? -1 : sorted[sorted.length / 2]);
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
    }

    /**
     * Deletes a phase's result files (~2.5 GB for the job at the defaults): kept, their dirty pages make the
     * kernel throttle and write back during the next phases, which then time the disk instead of the job.
     */
    private static void deleteOutputs(Path work) throws IOException {
        try (var files = Files.list(work)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".lp"))::iterator) {
                Files.delete(f);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // temp files only
        }
    }
}
