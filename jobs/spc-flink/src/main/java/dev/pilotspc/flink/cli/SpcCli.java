package dev.pilotspc.flink.cli;

import java.util.Arrays;

/** The launcher's Java entry point: {@code ./spc <command> [options]} for the commands that run Flink. */
public final class SpcCli {

    private SpcCli() {
    }

    public static void main(String[] args) {
        removeLocalClusterLeftoversAtExit();
        System.exit(run(args));
    }

    /**
     * Flink's local mini cluster leaves its working directories (minicluster_*, flink-rpc-*) in the
     * temp dir; a local run removes the ones it created when the JVM exits, Ctrl-C included.
     */
    private static void removeLocalClusterLeftoversAtExit() {
        java.io.File tmp = new java.io.File(System.getProperty("java.io.tmpdir"));
        java.util.Set<String> before = new java.util.HashSet<>(Arrays.asList(leftovers(tmp)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String name : leftovers(tmp)) {
                if (!before.contains(name)) {
                    deleteTree(new java.io.File(tmp, name));
                }
            }
        }, "spc-cleanup"));
    }

    private static String[] leftovers(java.io.File tmp) {
        String[] names = tmp.list((dir, name) -> name.startsWith("minicluster_") || name.startsWith("flink-rpc-"));
        return names == null ? new String[0] : names;
    }

    private static void deleteTree(java.io.File file) {
        java.io.File[] children = file.listFiles();
        if (children != null) {
            for (java.io.File child : children) {
                deleteTree(child);
            }
        }
        file.delete();
    }

    private static int bench(String[] args) throws Exception {
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        return switch (args.length == 0 ? "" : args[0]) {
            case "pipeline" -> dev.pilotspc.flink.bench.PipelineBenchmark.run(rest);
            case "steps" -> dev.pilotspc.flink.bench.StepsBenchmark.run(rest);
            default -> throw new Options.UsageException("bench needs a target here: pipeline or steps");
        };
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
            System.err.println("spc " + command + ": failed: " + dev.pilotspc.flink.io.Errors.ofCommand(e));
            return 1;
        }
    }
}
