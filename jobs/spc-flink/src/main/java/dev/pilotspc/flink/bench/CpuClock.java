package dev.pilotspc.flink.bench;

import java.lang.management.ManagementFactory;

/**
 * This JVM's CPU time against wall time, sampled every few milliseconds by a daemon thread, so a
 * phase timed by its first and last result can also say how much CPU it used (all threads: tasks,
 * GC, JIT, the in-process broker).
 */
final class CpuClock implements AutoCloseable {

    private static final int CAPACITY = 1 << 16;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long[] wall = new long[CAPACITY];
    private final long[] cpu = new long[CAPACITY];
    private volatile int count;
    private volatile boolean running = true;
    private final Thread sampler;

    CpuClock() {
        sampler = new Thread(() -> {
            while (running) {
                int n = count;
                wall[n % CAPACITY] = System.nanoTime();
                cpu[n % CAPACITY] = os.getProcessCpuTime();
                count = n + 1;
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-cpu-clock");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** CPU nanoseconds used between the wall-clock instants {@code from} and {@code to} (System.nanoTime), interpolated. */
    double cpuNanosBetween(long from, long to) {
        return cpuAt(to) - cpuAt(from);
    }

    private double cpuAt(long t) {
        int n = count;
        int oldest = Math.max(0, n - CAPACITY);
        for (int i = n - 1; i > oldest; i--) {
            int hi = i % CAPACITY;
            int lo = (i - 1) % CAPACITY;
            if (wall[lo] <= t) {
                if (wall[hi] <= t || wall[hi] == wall[lo]) {
                    return cpu[hi];
                }
                double f = (double) (t - wall[lo]) / (wall[hi] - wall[lo]);
                return cpu[lo] + f * (cpu[hi] - cpu[lo]);
            }
        }
        return cpu[oldest % CAPACITY];
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
