package dev.pilotspc.flink.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/** Runs a benchmark command and returns the lines it printed that start with one of the given prefixes. */
final class BenchOutput {

    private BenchOutput() {
    }

    static List<String> run(Callable<Integer> command, String... prefixes) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, command.call(), "exit status");
        } finally {
            System.setOut(out);
        }
        // other threads (a cluster of an earlier test shutting down) may print too: keep the command's lines
        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> List.of(prefixes).stream().anyMatch(l::startsWith)).toList();
    }
}
