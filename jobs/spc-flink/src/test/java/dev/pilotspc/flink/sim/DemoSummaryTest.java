package dev.pilotspc.flink.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's closing summary: each injected fault, caught or not, or not reached in a short run. */
class DemoSummaryTest {

    @TempDir
    Path dir;

    @Test
    void aFaultAfterTheLastPartIsNotReachedRatherThanMissed() {
        Scenario s = Scenario.from(DemoCommand.options().parse(new String[] {"--scenario", "tool-wear", "--parts", "70"}), false);
        LiveView view = new LiveView(dir.resolve("tool-wear.lp"), s.features.stream().map(Scenario.Feature::id).toList());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DemoCommand.summary(s, view, Map.of(), dir.resolve("tool-wear.lp"), DemoCommand.options().parse(new String[0]),
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String output = buffer.toString(StandardCharsets.UTF_8);
        // tool-wear: drift on the bore from part 60 (within 70 parts), shift on the shaft from part 80 (beyond)
        assertTrue(output.contains("from part 60: not detected"), output);
        assertTrue(output.contains("from part 80: not reached (the run ended at part 70)"), output);
    }
}
