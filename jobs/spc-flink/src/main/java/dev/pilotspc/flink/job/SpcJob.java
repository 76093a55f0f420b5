package dev.pilotspc.flink.job;

/** Placeholder main so the module builds while the job is written. */
public final class SpcJob {
    private SpcJob() {
    }

    public static void main(String[] args) {
    }
}
