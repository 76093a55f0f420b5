package dev.pilotspc.flink.sim;

import dev.pilotspc.flink.cli.Options;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.io.KafkaIo;
import dev.pilotspc.flink.kafka.EmbeddedKafka;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./spc demo}: an in-process Kafka broker, the streaming job on a local mini cluster and the
 * gauge simulator playing a scenario, with a live per-feature view and a detection summary.
 */
public final class DemoCommand {

    private DemoCommand() {
    }

    static Options options() {
        return Scenario.options(new Options("demo", "Runs a simulated pilot batch through the real job and shows it live."),
                        "parts per second (default: the scenario's)")
                .option("results-dir", "where the line-protocol results go", null, "results")
                .flag("follow", "keep the job and broker running after the scenario, until Ctrl-C")
                .flag("plain", "print the view as plain text every few seconds (no screen refresh)")
                .influx("unlimited");
    }

    public static int run(String[] args) throws Exception {
        return run(args, System.out);
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(out)) {
            return 0;
        }
        Scenario scenario = Scenario.from(o, false);
        Path resultsDir = Path.of(o.get("results-dir"));
        Files.createDirectories(resultsDir);
        Path results = resultsDir.resolve(scenario.name + ".lp");
        Files.deleteIfExists(results);
        Files.writeString(resultsDir.resolve(scenario.name + ".truth.json"), SimulateCommand.truth(scenario));
        Files.writeString(resultsDir.resolve(scenario.name + ".features.json"), SimulateCommand.definitions(scenario));
        boolean plain = o.flagSet("plain") || System.console() == null;

        // into InfluxDB the batch is stamped from now, where Grafana's dashboards and alert rules look;
        // the results file alone keeps the fixed start, so runs repeat
        long t0 = o.has("influx-url") ? Simulator.liveT0() : Simulator.DEFAULT_T0;
        List<Simulator.Record> records = Simulator.generate(scenario, t0);
        out.println("pilot-spc demo: scenario '" + scenario.name + "' (" + scenario.description + "), "
                + scenario.parts + " parts of " + scenario.features.size() + " features at " + scenario.rate + " parts/s");
        // the launcher names the log file (SPC_LOG_DIR); logs/spc.log is the log configuration's own default
        out.println("starting Kafka (in-process) and the Flink job (local mini cluster); logs: "
                + System.getProperty("spc.log.file", "logs/spc.log"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            out.println("Kafka broker on " + kafka.bootstrapServers());
            kafka.createTopics(Map.of("spc.measurements", 2, "spc.features", 1, "spc.alerts", 1,
                    "spc.measurements.dlq", 1), Set.of("spc.features"));
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                for (Scenario.Feature f : scenario.features) {
                    producer.send(new ProducerRecord<>("spc.features", f.id(), f.definitionJson()));
                }
                producer.flush();

                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(2);
                List<String> jobArgs = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                        "--output", results.toString(), "--checkpoint-interval", "1s", "--idleness", "2s",
                        "--max-wait", "2s", "--group-id", "spc-demo"));
                if (o.has("influx-url")) {
                    o.influxValues().forEach((k, v) -> jobArgs.addAll(List.of("--" + k, v)));
                }
                RunCommand.define(env, RunCommand.options().parse(jobArgs.toArray(new String[0])));
                JobClient job = env.executeAsync("pilot-spc demo");
                Thread stopper = new Thread(() -> job.cancel(), "spc-demo-stop");
                Runtime.getRuntime().addShutdownHook(stopper);

                LiveView view = new LiveView(results, scenario.features.stream().map(Scenario.Feature::id).toList());
                play(scenario, records, producer, view, out, plain);
                waitForQuiet(view, out, plain, scenario);
                Map<String, Integer> deadLetters = deadLetterReasons(kafka.bootstrapServers());
                summary(scenario, view, deadLetters, results, o, out);
                if (o.flagSet("follow")) {
                    out.println("following: the job keeps running on " + kafka.bootstrapServers()
                            + " (topic spc.measurements); Ctrl-C stops everything.");
                    while (true) {
                        Thread.sleep(2000);
                        view.poll();
                        if (!plain) {
                            out.print("\033[H\033[2J" + view.render("pilot-spc demo (following)", scenario.parts,
                                    scenario.parts));
                        }
                    }
                }
                job.cancel().get(30, TimeUnit.SECONDS);
                Runtime.getRuntime().removeShutdownHook(stopper);
            }
        }
        return 0;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends each record at its time and refreshes the view about once a second. */
    private static void play(Scenario s, List<Simulator.Record> records, KafkaProducer<String, String> producer,
            LiveView view, PrintStream out, boolean plain) throws Exception {
        long start = System.currentTimeMillis();
        long nextView = start;
        int part = 0;
        for (Simulator.Record r : records) {
            long wait = start + r.sendAtMs() - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            producer.send(new ProducerRecord<>("spc.measurements", r.key(), r.value()));
            part = Math.max(part, r.part());
            if (System.currentTimeMillis() >= nextView) {
                producer.flush();
                view.poll();
                show(view, s, part, out, plain);
                nextView = System.currentTimeMillis() + (plain ? 5000 : 1000);
            }
        }
        producer.flush();
    }

    private static void show(LiveView view, Scenario s, int part, PrintStream out, boolean plain) {
        String table = view.render("pilot-spc demo: " + s.name + " (batch " + s.batch + ")", part, s.parts);
        out.print(plain ? table + "\n" : "\033[H\033[2J" + table);
        out.flush();
    }

    /** Waits until the job has charted what was sent: no new results for a few seconds. */
    private static void waitForQuiet(LiveView view, PrintStream out, boolean plain, Scenario s) throws Exception {
        long lastChange = System.currentTimeMillis();
        long lastPoints = -1;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() - lastChange < 4000 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            view.poll();
            long points = view.rows.values().stream().mapToLong(r -> r.points).sum();
            if (points != lastPoints) {
                lastPoints = points;
                lastChange = System.currentTimeMillis();
            }
        }
        show(view, s, s.parts, out, plain);
    }

    private static Map<String, Integer> deadLetterReasons(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Map<String, Integer> reasons = new TreeMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("spc.measurements.dlq", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 10_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    var h = r.headers().lastHeader(KafkaIo.REASON_HEADER);
                    reasons.merge(h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
        }
        return reasons;
    }

    static void summary(Scenario s, LiveView view, Map<String, Integer> deadLetters, Path results, Options o,
            PrintStream out) {
        out.println();
        out.println("Injected faults and their detection:");
        if (s.faults.isEmpty()) {
            out.println("  none injected");
        }
        for (Scenario.Fault f : s.faults) {
            if (f.fromPart() > s.parts) {
                out.println("  " + f.describe() + ": not reached (the run ended at part " + s.parts + ")");
                continue;
            }
            // a shift or drift moves the mean: a dispersion signal (D1) does not count as catching it
            boolean meanFault = !f.type().equals("variance") && !f.type().equals("outliers");
            int detected = view.firstAlarmFrom(f.feature(), f.fromPart(), meanFault);
            out.println("  " + f.describe() + ": " + (detected < 0 ? "not detected"
                    : "first alarm at part " + detected + " (" + (detected - f.fromPart()) + " parts later)"));
        }
        int falseAlarms = 0;
        for (Map.Entry<String, LiveView.Row> e : view.rows.entrySet()) {
            int firstFault = s.faults.stream().filter(f -> f.feature().equals(e.getKey())).mapToInt(Scenario.Fault::fromPart)
                    .min().orElse(Integer.MAX_VALUE);
            falseAlarms += (int) e.getValue().alarmParts.stream().filter(p -> p < firstFault).count();
        }
        out.println("  alarms before any injected fault (false alarms): " + falseAlarms);
        out.println("Dead letters (records set aside, duplicate deliveries included): " + (deadLetters.isEmpty() ? "none" : deadLetters));
        out.println();
        out.println("Ground truth: " + results.resolveSibling(s.name + ".truth.json").toAbsolutePath());
        out.println("Results (InfluxDB line protocol): " + results.toAbsolutePath()
                + (o.has("influx-url") ? " and " + o.get("influx-url") : ""));
        Path features = results.resolveSibling(s.name + ".features.json").toAbsolutePath();
        out.println("Feature definitions: " + features);
        out.println("Next: ./spc report --input " + results.toAbsolutePath() + " --features " + features
                + " writes the batch's review report; try --scenario "
                + String.join(" | ", Scenario.BUNDLED) + "; ./spc demo --help lists the options.");
    }
}
