package dev.pilotspc.flink.testing;

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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A server binary run by a test: temp dir, loopback port, readiness wait, cleanup on close and on JVM exit. */
abstract class LocalServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static final int START_ATTEMPTS = 3;

    protected final Path dir;
    private Process process;
    private Thread shutdownHook;

    protected LocalServerProcess(String name) {
        try {
            dir = Files.createTempDirectory(name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The binary from PATH or /usr/bin; a missing one fails the test with the package to install (never skipped). */
    protected static String requireBinary(String binary, String debianPackage) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, binary))) {
                return Path.of(p, binary).toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin", binary))) {
            return "/usr/bin/" + binary;
        }
        throw new IllegalStateException(binary + " not found: install the Debian package '" + debianPackage
                + "' (apt-get install -y --no-install-recommends " + debianPackage + "; .ci/run does this)");
    }

    /** A port free right now; the small race with other processes is handled by retrying the start. */
    protected static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of a server listening on {@code url} (http://127.0.0.1:{@code port}). */
    @FunctionalInterface
    protected interface CommandAt {
        List<String> at(String url, int port) throws IOException;
    }

    /**
     * Starts the server on a free loopback port and waits until {@code url + readyPath} answers 2xx;
     * retries on other ports (another process may take a port between choosing and binding it).
     * Returns the server's URL.
     */
    protected String launchOnFreePort(CommandAt command, String readyPath, Duration timeout) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            String url = "http://127.0.0.1:" + port;
            List<String> line = command.at(url, port);
            if (launch(line, url + readyPath, timeout)) {
                return url;
            }
            if (attempt == START_ATTEMPTS) {
                throw new IllegalStateException(line.get(0) + " exited at start; log:\n" + logTail());
            }
        }
    }

    /** Starts the command and waits until {@code readyUrl} answers 2xx; false if the process died first. */
    protected boolean launch(List<String> command, String readyUrl, Duration timeout) throws IOException {
        Path log = dir.resolve("server.log");
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process started = process;
        // A JVM that exits without close() (killed fork, System.exit) must not leave a server or its data behind.
        shutdownHook = new Thread(() -> {
            try {
                started.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            deleteDir();
        }, "stop-" + command.get(0));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                stopProcess();
                return false;
            }
            try {
                if (get(readyUrl).statusCode() / 100 == 2) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + readyUrl, e);
            }
        }
        stopProcess();
        throw new IllegalStateException(command.get(0) + " did not answer " + readyUrl + " within " + timeout
                + "; log:\n" + logTail());
    }

    protected String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    protected static HttpResponse<String> get(String url) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    protected static HttpResponse<String> post(String url, String form) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running anyway
        }
        process = null;
    }

    @Override
    public void close() {
        stopProcess();
        deleteDir();
    }

    private void deleteDir() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind must not fail the test that used the server
        }
    }
}
