package dev.pilotspc.flink.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class CpuClockTest {

    @Test
    void countsTheCpuTimeThisJvmUsedBetweenTwoInstants() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (CpuClock clock = new CpuClock()) {
            Thread.sleep(50); // samples before the span
            long from = System.nanoTime();
            long ownStart = threads.getCurrentThreadCpuTime();
            long spin = 0;
            while (threads.getCurrentThreadCpuTime() - ownStart < 200_000_000L) {
                spin++;
            }
            long to = System.nanoTime();
            Thread.sleep(50); // samples after it
            double cpu = clock.cpuNanosBetween(from, to);
            // this thread alone used 200 ms; other threads only add, and the process can't use
            // more than all cores for the whole span (samples every 5 ms: allow 20 ms either way)
            assertTrue(cpu >= 180e6, "cpu " + cpu + " after " + spin + " turns");
            double most = (to - from) * (double) Runtime.getRuntime().availableProcessors() + 20e6;
            assertTrue(cpu <= most, "cpu " + cpu + " > " + most);
        }
    }
}
