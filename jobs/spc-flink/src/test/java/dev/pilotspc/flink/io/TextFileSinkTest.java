package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pilotspc.flink.testing.ManualTimers;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results file: started afresh by a job, kept by its restarts and restores. */
class TextFileSinkTest {

    private static WriterInitContext context(OptionalLong restoredCheckpoint, int attempt) {
        return context(restoredCheckpoint, attempt, new ManualTimers());
    }

    /** The parts of the writer's context the sink reads: the restored checkpoint, the attempt, processing time. */
    private static WriterInitContext context(OptionalLong restoredCheckpoint, int attempt, ProcessingTimeService time) {
        return (WriterInitContext) Proxy.newProxyInstance(TextFileSinkTest.class.getClassLoader(),
                new Class<?>[] {WriterInitContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRestoredCheckpointId" -> restoredCheckpoint;
                    case "getTaskInfo" -> new TaskInfoImpl("results-file", 1, 0, 1, attempt);
                    case "getProcessingTimeService" -> time;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void resultsReachTheFileWithinASecondBetweenCheckpoints(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.lp");
        ManualTimers time = new ManualTimers();
        try (SinkWriter<String> writer = TextFileSink.<String>text(file.toString(), s -> s)
                .createWriter(context(OptionalLong.empty(), 0, time))) {
            writer.write("a", null);
            time.advance(999);
            assertEquals("", Files.readString(file), "buffered");
            time.advance(1);
            assertEquals("a\n", Files.readString(file), "flushed within a second, no checkpoint needed");
            writer.write("b", null);
            time.advance(1000);
            assertEquals("a\nb\n", Files.readString(file), "and every second after");
        }
        time.advance(1000); // a timer after close does nothing
    }

    @Test
    void startsTheFileAfreshAlsoOnARestartBeforeAnyCheckpoint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.lp");
        Files.writeString(file, "an earlier run\n");
        TextFileSink<String> sink = TextFileSink.text(file.toString(), s -> s);
        try (SinkWriter<String> writer = sink.createWriter(context(OptionalLong.empty(), 0))) {
            writer.write("a", null);
        }
        try (SinkWriter<String> writer = sink.createWriter(context(OptionalLong.empty(), 1))) {
            writer.write("a again", null); // the sources start over too
        }
        assertEquals("a again\n", Files.readString(file));
    }

    @Test
    void aRestoreCutsTheFileBackToItsCheckpointAndWritesOnFromThere(@TempDir Path dir) throws Exception {
        // results after the checkpoint come again after the restore: written once, not twice
        Path file = dir.resolve("results.lp");
        TextFileSink<String> sink = TextFileSink.text(file.toString(), s -> s);
        List<Long> state;
        try (StatefulSinkWriter<String, Long> writer = sink.createWriter(context(OptionalLong.empty(), 0))) {
            writer.write("a", null);
            writer.flush(false);
            state = writer.snapshotState(7);
            writer.write("b", null);
            writer.flush(false);
        }
        assertEquals(List.of(2L), state);
        assertEquals("a\nb\n", Files.readString(file), "b reached the file before the failure");
        SimpleVersionedSerializer<Long> serializer = sink.getWriterStateSerializer();
        long restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(state.get(0)));
        try (SinkWriter<String> writer = sink.restoreWriter(context(OptionalLong.of(7), 1), List.of(restored))) {
            writer.write("b", null);
            writer.write("c", null);
        }
        assertEquals("a\nb\nc\n", Files.readString(file));
    }

    @Test
    void aRestoreWithoutALengthAppends(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.lp");
        Files.writeString(file, "a\n");
        try (SinkWriter<String> writer = TextFileSink.<String>text(file.toString(), s -> s)
                .restoreWriter(context(OptionalLong.of(3), 1), List.of())) {
            writer.write("b", null);
        }
        assertEquals("a\nb\n", Files.readString(file));
    }
}
