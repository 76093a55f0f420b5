package dev.pilotspc.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster as {@code bin/start-cluster.sh} runs it: a JobManager and a
 * TaskManager, each in its own JVM, on loopback ports, with a classpath of Flink and log4j only
 * (what a distribution's {@code lib/} holds); jobs go in through Flink's own command line client
 * ({@code flink run}) and its REST API. The JobManager can be killed and started again.
 */
final class StandaloneCluster implements AutoCloseable {

    /**
     * The module openings a Flink distribution's config.yaml gives its JVMs
     * ({@code env.java.default-opts.all}); Flink 2.x needs them on Java 17.
     */
    private static final List<String> JAVA_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final String classpath;
    private final String rest;
    private final List<Process> processes = new ArrayList<>();
    private Process jobManager;
    private int jobManagers;
    // a test JVM killed before close() must not leave the cluster's JVMs running
    private final Thread shutdownHook = new Thread(this::stopProcesses, "stop-flink-cluster");

    private StandaloneCluster(Path dir, String classpath, int restPort) {
        this.dir = dir;
        this.classpath = classpath;
        this.rest = "http://127.0.0.1:" + restPort;
    }

    /** Starts a JobManager and a TaskManager with {@code slots} slots; returns once the TaskManager has registered. */
    static StandaloneCluster start(String classpath, int slots) throws IOException, InterruptedException {
        return start(classpath, slots, List.of());
    }

    /** As above, with more lines for config.yaml (high availability, say). */
    static StandaloneCluster start(String classpath, int slots, List<String> config) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("flink-cluster-");
        StandaloneCluster cluster = new StandaloneCluster(dir, classpath, freePort());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.writeConfig(slots, config);
            cluster.launchJobManager();
            cluster.launch("taskmanager", "-Xmx640m", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
            cluster.awaitTaskManager(Duration.ofSeconds(90));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void writeConfig(int slots, List<String> config) throws IOException {
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("tmp"));
        // The TaskManager's memory is given component by component: the start scripts derive these
        // from taskmanager.memory.process.size before they launch the JVM; here nothing does.
        List<String> lines = new ArrayList<>(List.of(
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                "taskmanager.cpu.cores: " + slots,
                "taskmanager.memory.task.heap.size: 384m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.managed.size: 64m",
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + rest.substring(rest.lastIndexOf(':') + 1),
                "parallelism.default: 1",
                "io.tmp.dirs: " + dir.resolve("tmp"),
                "blob.storage.directory: " + dir.resolve("tmp")));
        lines.addAll(config);
        lines.add("");
        Files.writeString(dir.resolve("conf/config.yaml"), String.join("\n", lines), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("conf/log4j.properties"), String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = File",
                "appender.file.name = File",
                "appender.file.type = File",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                ""), StandardCharsets.UTF_8);
    }

    private List<String> java(String name, String heap, String mainClass) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap));
        command.addAll(JAVA_OPENS);
        command.addAll(List.of("-Dlog.file=" + dir.resolve(name + ".log"),
                "-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties"),
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-cp", classpath, mainClass));
        return command;
    }

    private Process launch(String name, String heap, String mainClass) throws IOException {
        List<String> command = java(name, heap, mainClass);
        command.addAll(List.of("-c", dir.resolve("conf").toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start();
        processes.add(process);
        return process;
    }

    private void launchJobManager() throws IOException {
        jobManagers++;
        jobManager = launch(jobManagers == 1 ? "jobmanager" : "jobmanager-" + jobManagers, "-Xmx512m",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    }

    /**
     * Kills the JobManager's JVM as {@code kill -9} or a crash does: no shutdown, so its ZooKeeper
     * session (and leadership) lasts until the session times out.
     */
    void killJobManager() throws InterruptedException {
        if (!jobManager.destroyForcibly().waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the JobManager outlived kill -9 by 10 s");
        }
        processes.remove(jobManager);
    }

    /** Starts a new JobManager with the same configuration (the same REST port); returns once a TaskManager has registered with it. */
    void startJobManager() throws IOException, InterruptedException {
        launchJobManager();
        awaitTaskManager(Duration.ofSeconds(90));
    }

    private void awaitTaskManager(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a Flink process exited at start:\n" + logs());
                }
            }
            try {
                if (get("/overview").path("taskmanagers").asInt() > 0) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no TaskManager registered within " + timeout + ":\n" + logs());
    }

    /**
     * {@code flink run -d [-s savepoint] jar args}: Flink's command line client in its own JVM, as an
     * operator submits the job; returns the job id it prints.
     */
    String submit(Path jar, String savepoint, List<String> args) throws IOException, InterruptedException {
        List<String> command = java("client", "-Xmx384m", "org.apache.flink.client.cli.CliFrontend");
        command.addAll(List.of("run", "-d"));
        if (savepoint != null) {
            command.addAll(List.of("-s", savepoint));
        }
        command.add(jar.toString());
        command.addAll(args);
        Path log = dir.resolve("client-" + System.nanoTime() + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FLINK_CONF_DIR", dir.resolve("conf").toString());
        Process client = builder.start();
        boolean exited = client.waitFor(120, TimeUnit.SECONDS);
        if (!exited) {
            client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!exited || client.exitValue() != 0) {
            throw new IllegalStateException("flink run " + (exited ? "failed" : "took over 120 s") + ":\n" + output);
        }
        Matcher id = JOB_ID.matcher(output);
        if (!id.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + output);
        }
        return id.group(1);
    }

    /** The job's state as the REST API gives it (CREATED, RUNNING, RESTARTING, FAILED, …). */
    String state(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /**
     * Waits until the job is in {@code state}; a job the JobManager does not know (yet: it may be
     * recovering it) or a JobManager that is not the leader yet is a job not in that state.
     */
    void awaitState(String jobId, String state, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            try {
                seen = state(jobId);
                if (state.equals(seen)) {
                    return;
                }
            } catch (IOException notKnown) {
                seen = notKnown.getMessage().split("\\\\n")[0];
            }
            Thread.sleep(200);
        }
        String jobs;
        try {
            jobs = get("/jobs/overview").path("jobs").toString();
        } catch (IOException e) {
            jobs = e.getMessage();
        }
        throw new IllegalStateException("job " + jobId + " not " + state + " within " + timeout + " (last: " + seen
                + "); the JobManager's jobs: " + jobs + "\n" + logs());
    }

    /** Waits for a checkpoint triggered after {@code epochMillis} to complete; returns its id. */
    long awaitCheckpoint(String jobId, long epochMillis, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode completed = get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
            if (completed.path("trigger_timestamp").asLong() > epochMillis) {
                return completed.path("id").asLong();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no checkpoint completed within " + timeout + ":\n" + logs());
    }

    /** Cancels the job (no savepoint) and waits until it is CANCELED. */
    void cancel(String jobId, Duration timeout) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        awaitState(jobId, "CANCELED", timeout);
    }

    /** The savepoint or checkpoint the job was started from (its external path), or "" if none. */
    String restoredFrom(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored").path("external_path").asText("");
    }

    /** The failures the job has had so far (Flink's exception history: each restart's cause), as text. */
    List<String> failures(String jobId) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            failures.add(entry.path("exceptionName").asText() + ": " + entry.path("stacktrace").asText().lines().findFirst().orElse(""));
        }
        return failures;
    }

    /** Stops the job with a savepoint in {@code targetDirectory} (no drain); returns the savepoint's path. */
    String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("targetDirectory", targetDirectory.toUri().toString()).put("drain", false)
                .toString();
        String trigger = send(HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException("stop with savepoint failed: " + operation.path("failure-cause"));
                }
                return operation.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no savepoint within " + timeout + ":\n" + logs());
    }

    /** The tail of every process's log, for failure messages. */
    String logs() {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".out")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                text.append("== ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            text.append("(logs unreadable: ").append(e.getMessage()).append(")");
        }
        return text.toString();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(rest + path)).GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stopProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind must not fail the test
        }
    }

    private void stopProcesses() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
