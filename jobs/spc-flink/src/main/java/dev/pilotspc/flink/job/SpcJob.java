package dev.pilotspc.flink.job;

import dev.pilotspc.flink.cli.RunCommand;

/**
 * The job jar's main class for {@code flink run} (session or application mode): the streaming job
 * with {@code ./spc run}'s options. It never calls System.exit, which would take a JobManager down.
 */
public final class SpcJob {

    private SpcJob() {
    }

    public static void main(String[] args) throws Exception {
        RunCommand.run(args);
    }
}
