package dev.pilotspc.flink.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultBatchTest {

    @Test
    void compactCopiesOnlyTheValidBytesOfAReusedBuffer() {
        byte[] buffer = "spc_status n=1i 5\nleftover from a longer earlier batch".getBytes(StandardCharsets.UTF_8);
        ResultBatch view = new ResultBatch(5, "f\u001fb", buffer, 18);

        ResultBatch copy = view.compact();
        buffer[0] = 'X'; // the charts write their next measurement into the same buffer

        assertNotSame(view, copy);
        assertEquals("spc_status n=1i 5\n", copy.text());
        assertEquals(18, copy.lines.length);
        assertEquals(5, copy.tsNanos);
        assertEquals("f\u001fb", copy.chartKey);
    }

    @Test
    void anExactBatchIsItsOwnCompactForm() {
        byte[] lines = "spc_status n=1i 5\n".getBytes(StandardCharsets.UTF_8);
        ResultBatch exact = new ResultBatch(5, "k", lines);

        assertSame(exact, exact.compact());
        assertSame(lines, exact.bytes());
        assertArrayEquals(lines, new ResultBatch(5, "k", lines.clone(), lines.length).bytes());
    }
}
