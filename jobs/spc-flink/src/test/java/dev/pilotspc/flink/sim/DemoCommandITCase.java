package dev.pilotspc.flink.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./spc demo} end to end on a short scenario: every feature charted, the drift caught, nothing left behind. */
class DemoCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    private static Set<String> kraftDirs() throws Exception {
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return tmp.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("kraft-")).collect(Collectors.toSet());
        }
    }

    @Test
    @Timeout(180)
    void chartsEveryFeatureCatchesTheInjectedFaultsAndCleansUp() throws Exception {
        Set<String> before = kraftDirs();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status = DemoCommand.run(new String[] {"--scenario", "tool-wear", "--parts", "110", "--rate", "60",
            "--plain", "--results-dir", dir.toString()}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, output);

        List<String> lines = Files.readAllLines(dir.resolve("tool-wear.lp"));
        for (String feature : List.of("housing.bore_diameter", "shaft.length")) {
            long points = lines.stream().filter(l -> l.startsWith("spc_point,") && l.contains("feature=" + feature)).count();
            assertEquals(110, points, feature + " charted for every part");
        }
        assertTrue(output.contains("drift of 0.0006 per part on housing.bore_diameter from part 60: first alarm at part"),
                output);
        assertTrue(output.contains("mean shift of 0.05 on shaft.length from part 80: first alarm at part"), output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("spc_drift,") && l.contains("feature=housing.bore_diameter")),
                "the trend detector reports the tool wear");
        assertEquals(before, kraftDirs(), "the broker's temp dir is gone");
        String broker = output.lines().filter(l -> l.startsWith("Kafka broker on ")).findFirst().orElseThrow();
        int port = Integer.parseInt(broker.substring(broker.lastIndexOf(':') + 1).trim());
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, socket.getLocalPort(), "the broker's port is free again");
        }
    }

    @Test
    @Timeout(180)
    void routesEveryDeliveryFaultToTheDeadLettersWithItsReason() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status = DemoCommand.run(new String[] {"--scenario", "incapable", "--parts", "100", "--rate", "80",
            "--plain", "--results-dir", dir.toString()}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, output);
        String deadLetters = output.lines().filter(l -> l.startsWith("Dead letters")).findFirst().orElseThrow();
        // malformed → invalid_json, missing value → missing_field, 1e999 → non_finite_value, resent → duplicate,
        // sent after the batch → late
        for (String reason : List.of("invalid_json", "missing_field", "non_finite_value", "duplicate", "late")) {
            assertTrue(deadLetters.contains(reason + "="), reason + " in " + deadLetters);
        }
        assertTrue(Files.readString(dir.resolve("incapable.truth.json")).contains("\"from_part\" : 40"));
        // the definitions the report takes for names, units and critical flags, valid as a definitions file
        assertEquals(2, dev.pilotspc.core.config.FeatureDefinitions.parse(
                Files.readString(dir.resolve("incapable.features.json")), "demo").size());
        assertTrue(output.contains("--features " + dir.resolve("incapable.features.json").toAbsolutePath()), output);
    }

    @Test
    void rejectsAnUnknownScenarioInOneLine() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.pilotspc.flink.cli.Options.UsageException.class,
                () -> DemoCommand.run(new String[] {"--scenario", "nope"}, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().startsWith("no scenario 'nope'"), e.getMessage());
    }
}
