package dev.pilotspc.flink.job;

import dev.pilotspc.flink.cli.SpcCli;

/** The job jar's main class for {@code flink run}: the streaming job with {@code ./spc run}'s options. */
public final class SpcJob {

    private SpcJob() {
    }

    public static void main(String[] args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "run";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        SpcCli.main(withCommand);
    }
}
