package dev.pilotspc.flink.cli;

import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.io.MeasurementParser;
import dev.pilotspc.flink.io.TextFileSink;
import dev.pilotspc.flink.io.influx.InfluxLineSink;
import dev.pilotspc.flink.io.influx.InfluxOptions;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.workflow.EventTime;
import dev.pilotspc.flink.workflow.SpcWorkflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.KafkaException;

/**
 * {@code ./spc run} and the cluster job's main: Kafka measurements and definitions in; results to
 * InfluxDB or a line-protocol file; alerts and dead letters to Kafka.
 */
public final class RunCommand {

    public static Options options() {
        return new Options("run", "The streaming job against an existing Kafka (and InfluxDB).")
                .option("bootstrap-servers", "Kafka bootstrap servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
                .option("group-id", "Kafka consumer group of the job", "SPC_GROUP_ID", "pilot-spc")
                .option("topic-measurements", "measurements topic", null, "spc.measurements")
                .option("topic-features", "compacted feature definitions topic", null, "spc.features")
                .option("topic-alerts", "alerts topic", null, "spc.alerts")
                .option("topic-dlq", "dead-letter topic", null, "spc.measurements.dlq")
                .prefix("kafka", "any Kafka client property, e.g. --kafka.security.protocol=SSL")
                .prefix("flink", "a Flink configuration key for this job, e.g. --flink.restart-strategy.type=fixed-delay "
                        + "(the local runner takes any key; a cluster the job-level ones)")
                .option("features", "feature definitions file (YAML or JSON); the topic overrides it", "SPC_FEATURES", null)
                .option("features-topic-timeout", "how long building the job may take to read the definitions topic to its "
                        + "end, so measurements waiting at a fresh start are charted with them however late the job's own "
                        + "read of the topic comes; 0 = skip", null, "30s")
                .option("output", "write every result as line protocol to this file (- = stdout)")
                .option("out-of-orderness", "how far measurements may arrive out of event-time order", null, "2s")
                .option("idleness", "a partition silent this long stops holding the event-time clock", null, "30s")
                .option("max-future", "measurements stamped further ahead of the job's clock are dead letters "
                        + "(invalid_timestamp); 0 = no limit", null, "5m")
                .option("max-wait", "the longest a measurement waits for the watermark (up to twice this) when it pauses "
                        + "or lags; 0 = as long as it takes",
                        null, "5s")
                .option("state-ttl", "drop the chart of a (feature, batch) idle this long; 0 = keep", null, "30d")
                .option("checkpoint-interval", "checkpoint interval; 0 = off (no Kafka offsets are committed then: a restart "
                        + "reads the topics from their start and sends the alerts again)", null, "10s")
                .option("checkpoint-dir", "checkpoint storage, e.g. file:///var/lib/spc/checkpoints; checkpoints are kept when "
                        + "the job stops, for --restore", "SPC_CHECKPOINT_DIR", null)
                .option("restore", "the local runner resumes the charts from this checkpoint or savepoint directory, or from "
                        + "'latest': the newest complete checkpoint under --checkpoint-dir (on a cluster: flink run -s)")
                .option("tolerable-checkpoint-failures",
                        "checkpoints in a row that may fail (e.g. while InfluxDB is down and its sink waits) before the job restarts",
                        null, "30")
                .option("parallelism", "job parallelism (default: the cluster's)")
                .option("max-parallelism", "key groups: the most parallelism a savepoint can be rescaled to "
                        + "(default: the cluster's pipeline.max-parallelism, else Flink's from the first parallelism; "
                        + "fix it before the first savepoint)")
                .option("max-record-bytes", "records longer than this go to the dead letters as oversized", null,
                        Integer.toString(MeasurementParser.DEFAULT_MAX_RECORD_BYTES))
                .flag("bounded", "stop at the topics' current end (tests, benchmarks)")
                .option("job-name", "Flink job name", null, "pilot-spc")
                .readiness()
                .influx("unlimited");
    }

    /** Room for a dead letter's key (cut at 4 KiB), headers (detail cut at 1 KiB) and record overhead besides the record. */
    private static final int DEAD_LETTER_HEADROOM = 16 * 1024;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);

    private RunCommand() {
    }

    public static int run(String[] args) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(System.out)) {
            return 0;
        }
        if (!o.has("output") && !o.has("influx-url")) {
            throw new Options.UsageException("give a results destination: --influx-url URL and/or --output FILE");
        }
        StreamExecutionEnvironment env = environment(o);
        define(env, o);
        String logFile = System.getProperty("spc.log.file");
        if (o.has("restore")) {
            System.err.println("spc run: resuming from " + env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH));
        }
        if (o.has("checkpoint-dir") && env instanceof LocalStreamEnvironment && !o.flagSet("bounded")) {
            System.err.println("spc run: checkpoints in " + env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                    + "; after a stop, the same command with --restore latest resumes the charts");
        }
        System.err.println("spc run: job '" + o.get("job-name") + "' reads " + o.get("topic-measurements") + " at "
                + o.get("bootstrap-servers") + (o.flagSet("bounded") ? " to its current end"
                : env instanceof LocalStreamEnvironment ? " until stopped (Ctrl-C)" : " until cancelled or stopped on the cluster") + (logFile != null ? "; log: " + logFile : ""));
        env.execute(o.get("job-name"));
        return 0;
    }

    /**
     * The execution environment of {@code run}: checkpoint storage whose checkpoints outlive the job
     * (a stopped or crashed local runner leaves its latest one), the checkpoint or savepoint that
     * {@code --restore} names to resume from, and the {@code --flink.*} configuration (which wins).
     */
    public static StreamExecutionEnvironment environment(Options o) {
        Configuration conf = new Configuration();
        if (o.has("checkpoint-dir")) {
            Path local = localPath(o.get("checkpoint-dir"));
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, local == null ? o.get("checkpoint-dir") : local.toUri().toString());
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        if (o.has("restore")) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restorePath(o));
        }
        conf.addAll(Configuration.fromMap(o.prefixed("flink")));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        if (o.has("restore") && !(env instanceof LocalStreamEnvironment)) {
            throw new Options.UsageException("--restore is for the local runner; on a cluster give the path to flink run -s");
        }
        if (env instanceof LocalStreamEnvironment && env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) == null) {
            // The JobManager's memory takes at most 5 MB of state per task (some 2000 charts): beyond
            // that every checkpoint fails and the job restarts from the last one that fit, again and
            // again, sending its alerts each time. A temporary directory has no such limit and, like
            // memory, ends with the run (no --restore from it).
            Configuration temporary = new Configuration();
            temporary.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, temporaryCheckpointDir().toUri().toString());
            env.configure(temporary);
        }
        return env;
    }

    /** A fresh directory under java.io.tmpdir for a local run's checkpoints, removed with its contents when the JVM exits. */
    private static Path temporaryCheckpointDir() {
        try {
            Path dir = Files.createTempDirectory("spc-checkpoints-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "spc-remove-checkpoints"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary checkpoint directory: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: the launcher's temp directory goes anyway
        }
    }

    /** A local file system path given as a plain path or a {@code file:} URI (absolute); null for other schemes. */
    private static Path localPath(String pathOrUri) {
        if (pathOrUri.startsWith("file:")) {
            return Path.of(URI.create(pathOrUri).getPath());
        }
        return pathOrUri.contains("://") ? null : Path.of(pathOrUri).toAbsolutePath();
    }

    /** {@code --restore}: a checkpoint or savepoint directory, or the newest complete checkpoint under --checkpoint-dir. */
    static String restorePath(Options o) {
        String restore = o.get("restore");
        if (!restore.equals("latest")) {
            Path dir = localPath(restore);
            if (dir == null) {
                return restore; // remote storage: Flink reports a missing one
            }
            if (!Files.isRegularFile(dir.resolve("_metadata")) && !Files.isRegularFile(dir)) {
                throw new Options.UsageException("--restore " + restore + ": not a checkpoint or savepoint (no _metadata in it)");
            }
            return dir.toUri().toString();
        }
        if (!o.has("checkpoint-dir")) {
            throw new Options.UsageException("--restore latest needs --checkpoint-dir");
        }
        String dirOption = o.get("checkpoint-dir");
        Path root = localPath(dirOption);
        if (root == null) {
            throw new Options.UsageException("--restore latest looks in a local --checkpoint-dir only; give the checkpoint's path");
        }
        Path latest = null;
        FileTime latestTime = null;
        // <checkpoint-dir>/<job id>/chk-<n>/_metadata: written last, so a checkpoint with it is complete
        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(root)) {
            for (Path job : jobs) {
                if (!Files.isDirectory(job)) {
                    continue;
                }
                try (DirectoryStream<Path> checkpoints = Files.newDirectoryStream(job, "chk-*")) {
                    for (Path checkpoint : checkpoints) {
                        Path metadata = checkpoint.resolve("_metadata");
                        if (Files.isRegularFile(metadata)) {
                            FileTime time = Files.getLastModifiedTime(metadata);
                            if (latestTime == null || time.compareTo(latestTime) > 0) {
                                latest = checkpoint;
                                latestTime = time;
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new Options.UsageException("--restore latest: cannot read --checkpoint-dir " + dirOption + ": " + e.getMessage());
        }
        if (latest == null) {
            throw new Options.UsageException("--restore latest: no complete checkpoint under " + dirOption);
        }
        return latest.toUri().toString();
    }

    /**
     * Builds the streaming job from parsed options on {@code env}, with its Kafka sinks and the result
     * sinks the options name; tests and benchmarks call this and may attach more sinks to the outputs.
     */
    public static SpcWorkflow.Outputs define(StreamExecutionEnvironment env, Options o) throws Exception {
        String definitionsText = null;
        String definitionsSource = "spc.features";
        if (o.has("features")) {
            Path file = ReplayCommand.readable(o.get("features"), "features");
            definitionsText = ReplayCommand.definitions(file);
            definitionsSource = file.toString();
        }
        InfluxOptions influx = influxOptions(o);
        Duration checkpointInterval = o.getDuration("checkpoint-interval");
        if (checkpointInterval.isZero() && !o.flagSet("bounded")) {
            LOG.warn("--checkpoint-interval 0: no checkpoints, so no Kafka offsets are committed; a restart reads "
                    + "{} from its start again, charts it afresh and sends its alerts again", o.get("topic-measurements"));
        }
        if (!checkpointInterval.isZero()) {
            env.enableCheckpointing(checkpointInterval.toMillis());
            env.getCheckpointConfig().setTolerableCheckpointFailureNumber(o.getInt("tolerable-checkpoint-failures", 0));
            if (env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) == null) {
                LOG.warn("No --checkpoint-dir (nor execution.checkpointing.dir): checkpoints stay in the JobManager's memory, "
                        + "lost with the JobManager and limited to 5 MB of state per task (some 2000 charts): beyond that every "
                        + "checkpoint fails and the job restarts from the last one that fit, again and again; give durable storage");
            }
        }
        if (o.has("parallelism")) {
            env.setParallelism(o.getInt("parallelism", 1));
        }
        if (o.has("max-parallelism")) {
            int maxParallelism = o.getInt("max-parallelism", 1);
            if (o.has("parallelism") && o.getInt("parallelism") > maxParallelism) {
                throw new Options.UsageException("--parallelism " + o.get("parallelism") + " exceeds --max-parallelism "
                        + maxParallelism);
            }
            env.setMaxParallelism(maxParallelism);
        }
        boolean bounded = o.flagSet("bounded");
        KafkaIo.Connection kafka = new KafkaIo.Connection(o.get("bootstrap-servers"), o.prefixed("kafka"));
        int maxRecordBytes = o.getInt("max-record-bytes", 32);
        // a dead letter carries at most --max-record-bytes of its record (an oversized one is cut there), a
        // key of at most 4 KiB and short headers: the producer must take it, or the dead-letter sink would
        // fail the job on every restart
        String maxRequest = kafka.properties().getOrDefault("max.request.size", "1048576");
        long maxRequestBytes;
        try {
            maxRequestBytes = Long.parseLong(maxRequest.trim());
        } catch (NumberFormatException e) {
            throw new Options.UsageException("--kafka.max.request.size needs a number of bytes, got '" + maxRequest + "'");
        }
        if ((long) maxRecordBytes + DEAD_LETTER_HEADROOM > maxRequestBytes) {
            throw new Options.UsageException("--max-record-bytes " + maxRecordBytes + " leaves no room for the dead-letter "
                    + "headers within the producer's max.request.size " + maxRequest + " (raise --kafka.max.request.size "
                    + "and the topic's max.message.bytes)");
        }
        MeasurementParser parser = new MeasurementParser(maxRecordBytes, o.getDuration("max-future").toMillis());

        DataStream<MeasurementRecord> measurements = env.fromSource(
                KafkaIo.measurements(kafka, o.get("topic-measurements"), o.get("group-id"), parser, bounded),
                EventTime.liveMeasurements(o.getDuration("out-of-orderness"), o.getDuration("idleness")),
                "measurements").uid("measurements-source");
        DataStream<DefinitionUpdate> definitions = env.fromSource(
                KafkaIo.definitions(kafka, o.get("topic-features"), o.get("group-id"), bounded),
                EventTime.definitions(bounded), "feature-definitions").uid("definitions-source");

        SpcWorkflow.Outputs outputs = SpcWorkflow.define(measurements, definitions, definitionsText,
                definitionsSource, publishedDefinitions(kafka, o), stateTtl(o), o.getDuration("max-wait"), o.readinessPolicy());
        if (influx != null) {
            outputs.sinkLines(() -> new InfluxLineSink(influx), "influxdb", "influx-sink");
        }
        if (o.has("output")) {
            outputs.allResults().sinkTo(TextFileSink.lines(o.get("output"))).setParallelism(1)
                    .name("results-file").uid("results-file");
        }
        outputs.sinkAlerts(() -> KafkaIo.alerts(kafka, o.get("topic-alerts")), "alerts", "alerts-sink");
        outputs.deadLetters().sinkTo(KafkaIo.deadLetters(kafka, o.get("topic-dlq"), maxRecordBytes))
                .name("dead-letters").uid("dead-letters-sink");
        return outputs;
    }

    /**
     * The definitions topic as it is now ({@link KafkaIo#publishedDefinitions}); when it can't be read
     * in time the job still starts (a deployment that starts it with Kafka may come before the
     * broker), with a warning of what that risks.
     */
    private static PublishedDefinitions publishedDefinitions(KafkaIo.Connection kafka, Options o) {
        Duration timeout = o.getDuration("features-topic-timeout");
        if (timeout.isZero()) {
            return PublishedDefinitions.NONE;
        }
        String topic = o.get("topic-features");
        try {
            PublishedDefinitions published = KafkaIo.publishedDefinitions(kafka, topic, timeout);
            LOG.info("{} definitions on {} at the start", published.definitions().size(), topic);
            return published;
        } catch (KafkaException e) {
            LOG.warn("Could not read {} when building the job ({}): definitions come only as the job reads the topic, "
                    + "so measurements already waiting may become dead letters (unknown_feature) if that read is slow",
                    topic, e.getMessage());
            return PublishedDefinitions.NONE;
        }
    }

    /**
     * The charts' state TTL, checked against --max-wait: measurements waiting for the watermark are
     * kept alive by the stall timer, which runs every max-wait; without it (or with a TTL not well
     * above it) they could expire with their chart unseen.
     */
    static Duration stateTtl(Options o) {
        Duration ttl = o.getDuration("state-ttl");
        Duration maxWait = o.getDuration("max-wait");
        if (!ttl.isZero() && (maxWait.isZero() || ttl.compareTo(maxWait.multipliedBy(2)) <= 0)) {
            throw new Options.UsageException("--state-ttl " + o.get("state-ttl") + " needs --max-wait above 0 and at most "
                    + "half the TTL (got " + o.get("max-wait") + "): measurements waiting for the watermark would expire "
                    + "with their chart");
        }
        return ttl;
    }

    /** The InfluxDB sink's settings when --influx-url (or INFLUX_URL) is given, else null. */
    static InfluxOptions influxOptions(Options o) {
        if (!o.has("influx-url")) {
            o.influxValues().keySet().stream().filter(o::given).findFirst().ifPresent(name -> {
                throw new Options.UsageException("--" + name + " needs --influx-url (or INFLUX_URL)");
            });
            return null;
        }
        try {
            return InfluxOptions.fromMap(o.influxValues());
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage());
        }
    }
}
