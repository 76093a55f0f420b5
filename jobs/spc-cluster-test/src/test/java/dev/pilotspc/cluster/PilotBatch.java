package dev.pilotspc.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.report.LineProtocolReader;
import dev.pilotspc.flink.testing.InfluxServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The pilot batch the cluster tests chart (two features, their measurements) and its results as a replay and InfluxDB hold them. */
final class PilotBatch {

    static final long T0 = 1_764_000_000_000L;
    static final int PARTS = 80;
    static final String FEATURES = """
            - feature: bore
              lsl: 9.7
              usl: 10.3
              baseline: 20
              ewma: {lambda: 0.2, sigmas: 2.962}
              cusum: {k: 0.5, h: 5}
            - feature: shaft
              chart: xbar_r
              subgroup_size: 5
              baseline: 6
              lsl: 119.9
              usl: 120.1
              rules: nelson
            """;
    /**
     * The measurements the comparison covers. Of {@code spc_readiness} the features' lines: the batch
     * verdict's ({@code feature=*}) come as verdicts reach it, which live differs from a replay; only
     * its last verdict is compared.
     */
    static final List<String> MEASUREMENTS = List.of("spc_point", "spc_limits", "spc_violation", "spc_capability",
            "spc_status", "spc_drift", "spc_readiness");
    /** Their tag keys. */
    private static final List<String> TAGS = List.of("batch", "chart", "detector", "feature", "line", "rule", "station");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PilotBatch() {
    }

    /**
     * Two features over {@value #PARTS} parts, one second apart, in event-time order: an individuals
     * chart whose mean shifts by 3σ after part 60 (violations, EWMA/CUSUM signals, drift) and an X̄-R
     * chart of five measurements per subgroup.
     */
    static List<String> measurements() {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PARTS; i++) {
            double bore = 10 + 0.05 * random.nextGaussian() + (i >= 60 ? 0.15 : 0);
            double shaft = 120 + 0.02 * random.nextGaussian();
            lines.add(line(T0 + i * 1000L, "bore", i, bore));
            lines.add(line(T0 + i * 1000L + 500, "shaft", i, shaft));
        }
        return lines;
    }

    static String line(long ts, String feature, int part, double value) {
        return String.format(Locale.ROOT, "{\"ts\":%d,\"feature\":\"%s\",\"batch\":\"PB-7\",\"part\":\"SN%03d\",\"value\":%.5f}",
                ts, feature, part, value);
    }

    /** The lines as records of spc.measurements, keyed by feature. */
    static List<ProducerRecord<String, String>> records(List<String> lines) throws IOException {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (String line : lines) {
            records.add(new ProducerRecord<>("spc.measurements", JSON.readTree(line).path("feature").asText(), line));
        }
        return records;
    }

    /** "measurement,tag=value,… ts" → fields, from a replay's line protocol (the later line of a series and time wins, as in InfluxDB). */
    static Map<String, Map<String, Object>> results(Path file) throws IOException {
        Map<String, Map<String, Object>> points = new TreeMap<>();
        LineProtocolReader.read(file, line -> {
            if (MEASUREMENTS.contains(line.measurement()) && !"*".equals(line.tags().get("feature"))) {
                Map<String, Object> fields = new TreeMap<>();
                line.fields().forEach((k, v) -> fields.put(k, v instanceof Number n ? (Object) n.doubleValue() : v));
                points.put(key(line.measurement(), line.tags(), line.tsNanos()), fields);
            }
        });
        return points;
    }

    /** The batch's last readiness verdict in line protocol, or null. */
    static String lastBatchVerdict(Path file) throws IOException {
        String[] verdict = {null};
        LineProtocolReader.read(file, line -> {
            if (line.measurement().equals("spc_readiness") && "*".equals(line.tags().get("feature"))) {
                verdict[0] = (String) line.fields().get("verdict");
            }
        });
        return verdict[0];
    }

    /** Waits until InfluxDB holds at least {@code count} spc_point points. */
    static void awaitPoints(InfluxServer influx, long count, StandaloneCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            seen = influx.query("SELECT count(x) FROM spc_point").path("results").path(0).path("series").path(0)
                    .path("values").path(0).path(1).asLong();
            if (seen >= count) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(seen + " of " + count + " points in InfluxDB after 120 s\n" + cluster.logs());
    }

    /** Waits until the batch's latest verdict in InfluxDB is {@code want}: it follows the points by a stall or more. */
    static void awaitBatchVerdict(InfluxServer influx, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            List<Map<String, JsonNode>> rows = influx.rows("spc", "SELECT last(verdict) FROM spc_readiness WHERE feature = '*'");
            seen = rows.isEmpty() ? null : rows.get(0).get("last").asText();
            if (want.equals(seen)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the batch's verdict at the end: expected " + want + ", InfluxDB has " + seen);
    }

    /** The same view of what the cluster's job wrote to InfluxDB (database spc): a point written twice counts once. */
    static Map<String, Map<String, Object>> fromInflux(InfluxServer influx) throws IOException {
        Map<String, Map<String, Object>> points = new TreeMap<>();
        for (String measurement : MEASUREMENTS) {
            for (Map<String, JsonNode> row : influx.rows("spc", "SELECT * FROM " + measurement + " WHERE feature != '*'")) {
                Map<String, String> tags = new TreeMap<>();
                Map<String, Object> fields = new TreeMap<>();
                row.forEach((column, value) -> {
                    if (value.isNull() || column.equals("time")) {
                        return;
                    }
                    if (TAGS.contains(column)) {
                        tags.put(column, value.asText());
                    } else {
                        fields.put(column, value.isNumber() ? (Object) value.doubleValue() : value.isBoolean() ? value.booleanValue() : value.asText());
                    }
                });
                points.put(key(measurement, tags, row.get("time").asLong()), fields);
            }
        }
        return points;
    }

    private static String key(String measurement, Map<String, String> tags, long tsNanos) {
        return measurement + "," + new TreeMap<>(tags) + " " + tsNanos;
    }
}
