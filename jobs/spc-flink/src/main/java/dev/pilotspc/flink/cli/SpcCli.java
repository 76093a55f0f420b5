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
     * temp dir; a local run removes the ones it created when the JVM exits, Ctrl-C included. They
     * are deleted by the JDK's delete-on-exit hook, which runs after every shutdown hook: Flink's
     * own (its RPC system's) still load classes from the flink-rpc jar and failed with
     * NoClassDefFoundError when a hook of ours deleted it beside them.
     */
    private static void removeLocalClusterLeftoversAtExit() {
        java.io.File tmp = new java.io.File(System.getProperty("java.io.tmpdir"));
        java.util.Set<String> before = new java.util.HashSet<>(Arrays.asList(leftovers(tmp)));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String name : leftovers(tmp)) {
                if (!before.contains(name)) {
                    deleteOnExit(new java.io.File(tmp, name));
                }
            }
        }, "spc-cleanup"));
    }

    private static String[] leftovers(java.io.File tmp) {
        String[] names = tmp.list((dir, name) -> name.startsWith("minicluster_") || name.startsWith("flink-rpc-"));
        return names == null ? new String[0] : names;
    }

    /** A directory before its contents: deleted in reverse order, the contents go first. */
    private static void deleteOnExit(java.io.File file) {
        file.deleteOnExit();
        java.io.File[] children = file.listFiles();
        if (children != null) {
            for (java.io.File child : children) {
                deleteOnExit(child);
            }
        }
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
        } catch (Exception | OutOfMemoryError e) {
            System.err.println("spc " + command + ": failed: " + (outOfMemory(e)
                    ? "out of memory: give the JVM more heap, e.g. SPC_JAVA_OPTS=-Xmx4g ./spc " + command + " ..."
                    : dev.pilotspc.flink.io.Errors.ofCommand(e)));
            return 1;
        }
    }

    /** Whether the failure is, or was caused by, the heap running out (in the command or in a job's task). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
