package dev.pilotspc.flink.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpcCliTest {

    @Test
    void aHeapExhaustedInAJobsTaskIsToldAsOutOfMemory() {
        // as a job's failure reaches the command: wrapped by Flink, the task's error as the cause
        Exception jobFailure = new RuntimeException("Job execution failed.",
                new IllegalStateException("task failed", new OutOfMemoryError("Java heap space")));
        assertTrue(SpcCli.outOfMemory(jobFailure));
        assertTrue(SpcCli.outOfMemory(new OutOfMemoryError("Java heap space")));
        assertFalse(SpcCli.outOfMemory(new RuntimeException("connection refused", new java.net.ConnectException())));
    }
}
