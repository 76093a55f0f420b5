package dev.pilotspc.flink.cli;

import java.util.Arrays;

/** The launcher's Java entry point: {@code ./spc <command> [options]} for the commands that run Flink. */
public final class SpcCli {

    private SpcCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    private static int bench(String[] args) throws Exception {
        if (args.length == 0 || !args[0].equals("pipeline")) {
            throw new Options.UsageException("bench needs a target here: pipeline");
        }
        return dev.pilotspc.flink.bench.PipelineBenchmark.run(Arrays.copyOfRange(args, 1, args.length));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.println("spc: missing command (replay, run)");
            return 2;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "replay" -> ReplayCommand.run(rest);
                case "run" -> RunCommand.run(rest);
                case "bench" -> bench(rest);
                case "demo" -> dev.pilotspc.flink.sim.DemoCommand.run(rest);
                case "simulate" -> dev.pilotspc.flink.sim.SimulateCommand.run(rest, System.out);
                case "report" -> dev.pilotspc.flink.report.ReportCommand.run(rest, System.out);
                default -> {
                    System.err.println("spc: unknown command '" + command + "'");
                    yield 2;
                }
            };
        } catch (Options.UsageException e) {
            System.err.println("spc " + command + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println("spc " + command + ": failed: " + root);
            return 1;
        }
    }
}
