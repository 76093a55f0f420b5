package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file: started afresh by a job, kept by its restarts and restores. */
class TextFileSinkTest {

    /** The parts of the writer's context the sink reads: the restored checkpoint and the attempt. */
    private static WriterInitContext context(OptionalLong restoredCheckpoint, int attempt) {
        return (WriterInitContext) Proxy.newProxyInstance(TextFileSinkTest.class.getClassLoader(),
                new Class<?>[] {WriterInitContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRestoredCheckpointId" -> restoredCheckpoint;
                    case "getTaskInfo" -> new TaskInfoImpl("results-file", 1, 0, 1, attempt);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static void write(Path file, String line, WriterInitContext context) throws Exception {
        try (SinkWriter<String> writer = TextFileSink.<String>text(file.toString(), s -> s).createWriter(context)) {
            writer.write(line, null);
            writer.flush(true);
        }
    }

    @Test
    void startsTheFileAfreshAlsoOnARestartBeforeAnyCheckpointButAppendsAfterARestore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.lp");
        Files.writeString(file, "an earlier run\n");

        write(file, "a", context(OptionalLong.empty(), 0));
        write(file, "a again", context(OptionalLong.empty(), 1)); // the sources start over too
        write(file, "b", context(OptionalLong.of(7), 2));

        assertEquals("a again\nb\n", Files.readString(file));
    }
}
