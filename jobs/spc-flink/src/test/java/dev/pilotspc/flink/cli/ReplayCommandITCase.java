package dev.pilotspc.flink.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import dev.pilotspc.flink.testing.InfluxServer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spc replay} end to end on Flink's mini cluster: results, dead letters, determinism, CSV = JSON. */
class ReplayCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String FEATURES = """
            features:
              - feature: bore
                unit: mm
                lsl: 24.97
                usl: 25.03
                baseline: 20
                cusum: {k: 0.5, h: 5}
              - feature: length
                chart: xbar_r
                subgroup_size: 4
                baseline: 8
                lsl: 99
                usl: 101
            """;

    @TempDir
    Path dir;

    /** 60 bore parts with a 2.5-sigma shift from part 40, 80 lengths, and records that can't be charted. */
    private List<String[]> rows() {
        Random random = new Random(8);
        List<String[]> rows = new ArrayList<>();
        long t0 = 1_764_000_000_000L;
        for (int i = 0; i < 80; i++) {
            if (i < 60) {
                double bore = 25 + 0.004 * random.nextGaussian() + (i >= 40 ? 0.01 : 0);
                rows.add(new String[] {Long.toString(t0 + i * 1000L), "bore", fmt(bore), "SN" + i});
            }
            rows.add(new String[] {Long.toString(t0 + i * 1000L + 500), "length", fmt(100 + 0.2 * random.nextGaussian()),
                "SN" + i});
        }
        // out of file order: the replay sorts by event time
        String[] moved = rows.remove(3);
        rows.add(moved);
        return rows;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }

    private Path writeJson(List<String[]> rows, String... extra) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String[] r : rows) {
            lines.add("{\"ts\":" + r[0] + ",\"feature\":\"" + r[1] + "\",\"value\":" + r[2] + ",\"part\":\"" + r[3]
                    + "\",\"batch\":\"PB-1\"}");
        }
        lines.addAll(List.of(extra));
        return Files.write(dir.resolve("m.jsonl"), lines);
    }

    private Path writeCsv(List<String[]> rows) throws Exception {
        List<String> lines = new ArrayList<>(List.of("ts,feature,value,part,batch"));
        for (String[] r : rows) {
            lines.add(String.join(",", r) + ",PB-1");
        }
        return Files.write(dir.resolve("m.csv"), lines);
    }

    private int replay(Path input, Path output) throws Exception {
        Path features = Files.writeString(dir.resolve("features.yaml"), FEATURES);
        return ReplayCommand.run(new String[] {"--features", features.toString(), "--input", input.toString(),
            "--output", output.toString(), "--alerts", output + ".alerts.jsonl"});
    }

    @Test
    void chartsEveryFeatureCatchesTheShiftAndRejectsBadRecords() throws Exception {
        List<String[]> rows = rows();
        String[] first = rows.get(0);
        String duplicate = "{\"ts\":" + first[0] + ",\"feature\":\"bore\",\"value\":" + first[2] + ",\"part\":\""
                + first[3] + "\",\"batch\":\"PB-1\"}";
        Path input = writeJson(rows,
                "{\"ts\":1764000000000,\"feature\":\"bore\",\"value\":\"n/a\"}",
                "garbage",
                duplicate,
                "{\"ts\":1764000000000,\"feature\":\"unknown\",\"value\":1}");
        Path out = dir.resolve("out.lp");
        assertEquals(0, replay(input, out));
        List<String> lines = Files.readAllLines(out);
        assertEquals(60, lines.stream().filter(l -> l.startsWith("spc_point,") && l.contains("feature=bore")).count());
        assertEquals(20, lines.stream().filter(l -> l.startsWith("spc_point,") && l.contains("feature=length")).count());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("spc_limits,")).count());
        assertEquals(60, lines.stream().filter(l -> l.startsWith("spc_readiness,") && l.contains("feature=bore")).count(),
                "a verdict after every point");
        String batchVerdict = lines.stream().filter(l -> l.startsWith("spc_readiness,batch=PB-1,feature=*"))
                .reduce((a, b) -> b).orElseThrow();
        assertTrue(batchVerdict.contains("verdict=\"not_ready\"") && batchVerdict.contains("not ready: bore"),
                "the shifted bore keeps the batch from being ready: " + batchVerdict);
        List<String> cusum = lines.stream().filter(l -> l.startsWith("spc_violation,") && l.contains("rule=CUSUM"))
                .collect(Collectors.toList());
        assertTrue(!cusum.isEmpty(), "the shift at part 40 is caught");
        long firstSignal = Long.parseLong(cusum.get(0).replaceAll(".*,n=(\\d+)i.*", "$1"));
        assertTrue(firstSignal > 40 && firstSignal < 52, "caught within a few parts of the shift: " + firstSignal);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> dead = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("out.lp.dlq.jsonl"))) {
            dead.add(json.readTree(l));
        }
        List<String> reasons = dead.stream().map(d -> d.get("reason").asText()).collect(Collectors.toList());
        assertEquals(List.of("invalid_field", "invalid_json", "duplicate", "unknown_feature"), reasons,
                "rejected at parsing or at charting time, the dead letters are in file order");
        assertTrue(dead.stream().anyMatch(d -> d.get("record").asText().equals("garbage")), "records travel unchanged");
        Path dlq = dir.resolve("out.lp.dlq.jsonl");
        assertEquals("4 dead letters in " + dlq + " (1 duplicate, 1 invalid_field, 1 invalid_json, 1 unknown_feature)",
                ReplayCommand.deadLetterSummary(dlq), "the summary counts them by reason");
    }

    @Test
    void theFilesEndChartsEachChartsLastSubgroup() throws Exception {
        Path features = Files.writeString(dir.resolve("subgroups.yaml"), """
                features:
                  - {feature: gap, chart: xbar_s, subgroup_size: 5, baseline: 2, lsl: 9, usl: 11}
                """);
        List<String> lines = new ArrayList<>();
        double[] values = {10.1, 9.9, 10.0, 10.2, 9.8, 10.0, 10.1, 9.9, 10.3, 9.7, 10.4, 10.2, 10.3};
        for (int i = 0; i < values.length; i++) {
            String id = i < 5 ? "S1" : i < 10 ? "S2" : "S3"; // the last subgroup by id has 3 measurements
            lines.add("{\"ts\":" + (1_764_000_000_000L + i * 1000L) + ",\"feature\":\"gap\",\"value\":" + values[i]
                    + ",\"part\":\"P" + i + "\",\"subgroup\":\"" + id + "\"}");
        }
        lines.add(lines.get(lines.size() - 1)); // a duplicate delivery last: rejected, yet the file still ends S3
        Path out = dir.resolve("subgroups.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input",
            Files.write(dir.resolve("subgroups.jsonl"), lines).toString(), "--output", out.toString()}));
        List<String> points = Files.readAllLines(out).stream().filter(l -> l.startsWith("spc_point,"))
                .collect(Collectors.toList());
        assertEquals(3, points.size(), String.join("\n", points));
        String last = points.get(2);
        assertTrue(last.contains(",n=3i,") && last.contains(",x=10.3 ") && last.endsWith(" 1764000012000000000"), last);
        assertEquals(List.of("duplicate"), Files.readAllLines(dir.resolve("subgroups.lp.dlq.jsonl")).stream()
                .map(l -> l.replaceAll(".*\"reason\":\"([a-z_]+)\".*", "$1")).collect(Collectors.toList()));
    }

    @Test
    void theBatchVerdictCarriesItsFeaturesCurrentStabilityAndCapability() throws Exception {
        // one critical feature, unstable from an early outlier (so not_ready throughout) and capable
        // only once enough parts narrow Ppk's lower bound: its capability changes without a verdict
        // change, and the batch line must follow it (found stale by an independent cross-check)
        Path features = Files.writeString(dir.resolve("capable.yaml"), """
                features:
                  - {feature: pin, lsl: 9.9, usl: 10.1, limits: {mean: 10, sigma: 0.02}}
                """);
        java.util.Random random = new java.util.Random(4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double value = i == 4 ? 10.08 : 10 + 0.02 * random.nextGaussian();
            lines.add("{\"ts\":" + (1_764_000_000_000L + i * 1000L) + ",\"feature\":\"pin\",\"batch\":\"B7\",\"value\":"
                    + String.format(java.util.Locale.ROOT, "%.4f", value) + ",\"part\":\"P" + i + "\"}");
        }
        Path out = dir.resolve("capable.lp");
        assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input",
            Files.write(dir.resolve("capable.jsonl"), lines).toString(), "--output", out.toString()}));
        List<String> results = Files.readAllLines(out);
        List<String> feature = results.stream().filter(l -> l.startsWith("spc_readiness,batch=B7,feature=pin "))
                .collect(Collectors.toList());
        assertTrue(feature.get(40).contains("capable=false") && feature.get(199).contains("capable=true"),
                "the test needs capability to change: " + feature.get(40) + " / " + feature.get(199));
        assertTrue(feature.stream().skip(40).allMatch(l -> l.contains("verdict=\"not_ready\"")), "not ready throughout");
        String batch = results.stream().filter(l -> l.startsWith("spc_readiness,batch=B7,feature=*"))
                .reduce((a, b) -> b).orElseThrow();
        assertTrue(batch.contains("capable=true") && batch.contains("stable=false")
                && batch.contains("verdict=\"not_ready\""), batch);
    }

    @Test
    void aLineThatIsNotUtf8IsADeadLetterAndAByteOrderMarkIsSkipped() throws Exception {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        file.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // UTF-8 byte order mark
        file.write("{\"ts\":1764000000000,\"feature\":\"bore\",\"value\":25.0,\"part\":\"A\"}\r\n".getBytes(UTF_8));
        file.write("{\"ts\":1764000001000,\"feature\":\"bore\",\"value\":25.0,\"part\":\"".getBytes(UTF_8));
        file.write(new byte[] {(byte) 0xFF});
        file.write("\"}\r\n{\"ts\":1764000002000,\"feature\":\"bore\",\"value\":25.01,\"part\":\"C\"}\n".getBytes(UTF_8));
        Path input = Files.write(dir.resolve("encoding.jsonl"), file.toByteArray());
        Path out = dir.resolve("encoding.lp");
        assertEquals(0, replay(input, out));
        assertEquals(2, Files.readAllLines(out).stream().filter(l -> l.startsWith("spc_point,")).count());
        List<String> dead = Files.readAllLines(dir.resolve("encoding.lp.dlq.jsonl"));
        assertEquals(1, dead.size());
        JsonNode letter = new ObjectMapper().readTree(dead.get(0));
        assertEquals("invalid_json", letter.get("reason").asText());
        assertTrue(letter.get("record").asText().contains("\"part\":\"\uFFFD\""), dead.get(0));
    }

    @Test
    void sameInputGivesByteIdenticalOutputAndCsvEqualsJson() throws Exception {
        List<String[]> rows = rows();
        Path first = dir.resolve("a.lp");
        Path second = dir.resolve("b.lp");
        Path fromCsv = dir.resolve("c.lp");
        assertEquals(0, replay(writeJson(rows), first));
        assertEquals(0, replay(dir.resolve("m.jsonl"), second));
        assertEquals(0, replay(writeCsv(rows), fromCsv));
        byte[] expected = Files.readAllBytes(first);
        assertTrue(expected.length > 10_000);
        assertEquals(new String(expected), new String(Files.readAllBytes(second)));
        assertEquals(new String(expected), new String(Files.readAllBytes(fromCsv)));
        String alerts = Files.readString(dir.resolve("a.lp.alerts.jsonl"));
        assertTrue(alerts.contains("\"feature\":\"*\"") && alerts.contains("\"type\":\"violation\""), alerts);
        assertEquals(alerts, Files.readString(dir.resolve("b.lp.alerts.jsonl")));
        assertEquals(alerts, Files.readString(dir.resolve("c.lp.alerts.jsonl")));
    }

    @Test
    void writesTheSamePointsToARealInfluxDb() throws Exception {
        List<String[]> rows = rows();
        Path input = writeJson(rows);
        Path file = dir.resolve("file.lp");
        assertEquals(0, replay(input, file));
        try (InfluxServer influx = InfluxServer.start("spc")) {
            Path features = dir.resolve("features.yaml");
            assertEquals(0, ReplayCommand.run(new String[] {"--features", features.toString(), "--input",
                input.toString(), "--influx-url", influx.url(), "--influx-db", "spc", "--dead-letters",
                dir.resolve("dlq.jsonl").toString()}));
            for (String measurement : List.of("spc_point", "spc_status", "spc_capability", "spc_violation", "spc_limits")) {
                long expected = Files.readAllLines(file).stream().filter(l -> l.startsWith(measurement + ",")).count();
                var result = influx.rows("spc", "SELECT count(*) FROM " + measurement);
                assertEquals(1, result.size(), measurement);
                long counted = result.get(0).values().stream().filter(v -> v.isNumber())
                        .mapToLong(v -> v.asLong()).max().orElse(0);
                assertEquals(expected, counted, measurement);
            }
            var ucl = influx.rows("spc", "SELECT last(ucl) FROM spc_point WHERE feature = 'bore'");
            String line = Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith("spc_limits,") && l.contains("feature=bore")).findFirst().orElseThrow();
            double expectedUcl = Double.parseDouble(line.replaceAll(".*[ ,]ucl=([^, ]+).*", "$1"));
            assertEquals(expectedUcl, ucl.get(0).get("last").asDouble(), 1e-12);
        }
    }

    @Test
    void badOptionsAndFilesGetAOneLineError() throws Exception {
        Path features = Files.writeString(dir.resolve("features.yaml"), FEATURES);
        Path input = writeJson(rows());
        Path aFile = Files.writeString(dir.resolve("plain-file"), "");
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), "- feature: f\n  unit: \u00b5m\n".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1));
        var err = new java.io.ByteArrayOutputStream();
        var previous = System.err;
        System.setErr(new java.io.PrintStream(err));
        try {
            assertEquals(2, SpcCli.run(new String[] {"replay", "--input", "nope.jsonl"}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", "nope.yaml", "--input", "x", "--output", "-"}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--bogus", "1"}));
            // an output that can't be written fails before the run, not after it
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", features.toString(), "--input", input.toString(),
                "--output", aFile.resolve("out.lp").toString()}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", features.toString(), "--input", input.toString(),
                "--output", dir.toString()}));
            // an output naming the input, or two outputs naming one file, would overwrite it
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", features.toString(), "--input", input.toString(),
                "--output", dir.resolve(".").resolve(input.getFileName()).toString()}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", features.toString(), "--input", input.toString(),
                "--output", dir.resolve("r.lp").toString(), "--dead-letters", dir.resolve("r.lp").toString()}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", features.toString(), "--input", input.toString(),
                "--output", "-", "--dead-letters", features.toString()}));
            assertEquals(2, SpcCli.run(new String[] {"replay", "--features", latin1.toString(), "--input", input.toString(),
                "--output", "-"}));
        } finally {
            System.setErr(previous);
        }
        assertTrue(Files.readString(input).startsWith("{\"ts\""), "the input is untouched");
        assertEquals(FEATURES, Files.readString(features), "the features file too");
        String[] lines = err.toString().trim().split("\n");
        assertEquals(9, lines.length, err.toString());
        assertEquals("spc replay: missing required option --features", lines[0]);
        assertEquals("spc replay: --features: cannot read file nope.yaml", lines[1]);
        assertEquals("spc replay: unknown option '--bogus'", lines[2]);
        assertTrue(lines[3].startsWith("spc replay: --output: cannot create the directory of "), lines[3]);
        assertEquals("spc replay: --output: " + dir + " is a directory", lines[4]);
        assertEquals("spc replay: --output names the same file as --input: " + dir.resolve(".").resolve(input.getFileName()), lines[5]);
        assertEquals("spc replay: --dead-letters names the same file as --output: " + dir.resolve("r.lp"), lines[6]);
        assertEquals("spc replay: --dead-letters names the same file as --features: " + features, lines[7]);
        assertEquals("spc replay: cannot read features file " + latin1 + ": not UTF-8 text", lines[8]);
    }
}
