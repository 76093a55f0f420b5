package dev.pilotspc.flink.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotspc.flink.cli.Options;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./spc simulate}: plays a scenario into a Kafka topic at its rate (or writes it to a file),
 * publishes its feature definitions, and writes the ground truth (which fault starts where).
 */
public final class SimulateCommand {

    private SimulateCommand() {
    }

    static Options options() {
        return Scenario.options(new Options("simulate", "The gauge simulator: a scenario's records to Kafka or to a JSON-lines file."),
                        "parts per second (default: the scenario's); 0 = as fast as possible")
                .option("bootstrap-servers", "Kafka bootstrap servers", "KAFKA_BOOTSTRAP_SERVERS", null)
                .prefix("kafka", "any Kafka producer property, e.g. --kafka.security.protocol=SSL")
                .option("topic", "measurements topic", null, "spc.measurements")
                .option("features-topic", "where the scenario's feature definitions are published", null, "spc.features")
                .option("output", "write the records as JSON lines to this file instead of Kafka")
                .option("features-output", "with --output: where the scenario's feature definitions go "
                        + "(default: the output path + .features.json)")
                .option("truth", "write the ground truth (faults and where they start) as JSON to this file")
                .option("t0", "event time of part 1, epoch milliseconds (default: now when sending to Kafka, so live "
                        + "dashboards and alerts see it; " + Simulator.DEFAULT_T0 + " for --output, so files repeat)");
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Options o = options().parse(args);
        if (o.printedHelp(out)) {
            return 0;
        }
        Scenario scenario = Scenario.from(o, true);
        boolean paced = !o.has("rate") || Double.parseDouble(o.get("rate")) > 0;
        long t0 = o.has("t0") ? o.getLong("t0") : o.has("output") ? Simulator.DEFAULT_T0 : Simulator.liveT0();
        List<Simulator.Record> records = Simulator.generate(scenario, t0);
        if (o.has("truth")) {
            Files.writeString(Path.of(o.get("truth")), truth(scenario));
        }
        if (o.has("output")) {
            StringBuilder sb = new StringBuilder();
            records.forEach(r -> sb.append(r.value()).append('\n'));
            Files.writeString(Path.of(o.get("output")), sb);
            // what ./spc replay needs besides the records
            String featuresOutput = o.has("features-output") ? o.get("features-output") : o.get("output") + ".features.json";
            Files.writeString(Path.of(featuresOutput), definitions(scenario));
            out.println(records.size() + " records of scenario '" + scenario.name + "' written to " + o.get("output")
                    + ", its feature definitions to " + featuresOutput + "; chart them with ./spc replay --features "
                    + featuresOutput + " --input " + o.get("output") + " --output results.lp");
            return 0;
        }
        if (!o.has("bootstrap-servers")) {
            throw new Options.UsageException("give --bootstrap-servers (or --output FILE)");
        }
        Properties p = new Properties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(o.prefixed("kafka"));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.get("bootstrap-servers"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Scenario.Feature f : scenario.features) {
                producer.send(new ProducerRecord<>(o.get("features-topic"), f.id(), f.definitionJson()));
            }
            long start = System.currentTimeMillis();
            for (Simulator.Record r : records) {
                long wait = start + r.sendAtMs() - System.currentTimeMillis();
                if (paced && wait > 0) {
                    producer.flush();
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(o.get("topic"), r.key(), r.value()));
            }
            producer.flush();
        }
        out.println(records.size() + " records of scenario '" + scenario.name + "' sent to " + o.get("topic"));
        return 0;
    }

    /** The scenario's feature definitions as a JSON list: what ./spc replay and ./spc report take as --features. */
    static String definitions(Scenario scenario) {
        StringBuilder definitions = new StringBuilder("[\n");
        for (int i = 0; i < scenario.features.size(); i++) {
            definitions.append("  ").append(scenario.features.get(i).definitionJson())
                    .append(i + 1 < scenario.features.size() ? ",\n" : "\n");
        }
        return definitions.append("]\n").toString();
    }

    /** The ground truth of a scenario as JSON: its faults with the part each starts at. */
    public static String truth(Scenario s) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("scenario", s.name).put("batch", s.batch).put("parts", s.parts)
                .put("seed", s.seed);
        ArrayNode faults = root.putArray("faults");
        for (Scenario.Fault f : s.faults) {
            faults.addObject().put("type", f.type()).put("feature", f.feature()).put("from_part", f.fromPart())
                    .put("description", f.describe());
        }
        return root.toPrettyString() + "\n";
    }
}
