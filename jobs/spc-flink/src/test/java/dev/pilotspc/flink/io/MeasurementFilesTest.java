package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replay's file reading: every line ending, lines across the 64 KB read chunks, lines longer than a chunk. */
class MeasurementFilesTest {

    @TempDir
    Path dir;

    private static String record(int i, int padding) {
        return "{\"ts\":" + (1_764_000_000_000L + i) + ",\"feature\":\"f\",\"value\":" + i + ",\"part\":\"P" + i
                + "\",\"pad\":\"" + "x".repeat(padding) + "\"}";
    }

    @Test
    void readsEveryLineWhateverItsEndingAndLength() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        // a first line whose \r is the chunk's last byte and \n the next chunk's first
        String first = record(0, 0);
        first = record(0, (1 << 16) - 1 - first.length());
        file.write((first + "\r\n").getBytes(StandardCharsets.UTF_8));
        String[] endings = {"\n", "\r\n", "\r", "\n\n", "\r\n\r\n"};
        Random random = new Random(5);
        int count = 1;
        for (; count < 400; count++) {
            int padding = count % 97 == 0 ? 150_000 : random.nextInt(3000); // now and then longer than a chunk
            file.write((record(count, padding) + endings[random.nextInt(endings.length)]).getBytes(StandardCharsets.UTF_8));
        }
        file.write(record(count, 10).getBytes(StandardCharsets.UTF_8)); // no newline at the end
        count++;
        Path path = Files.write(dir.resolve("m.jsonl"), file.toByteArray());

        List<MeasurementRecord> records = MeasurementFiles.read(path, new MeasurementParser(1 << 20));
        assertTrue(records.stream().allMatch(MeasurementRecord::isValid), "no line split or merged");
        assertEquals(count, records.size());
        List<String> parts = records.stream().map(r -> r.part).collect(Collectors.toList());
        for (int i = 0; i < count; i++) {
            assertEquals("P" + i, parts.get(i));
        }
        assertEquals(1, records.get(0).seq);
        assertEquals(2, records.get(1).seq, "the \\r\\n across the chunks is one line end");
    }
}
