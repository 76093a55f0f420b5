package dev.pilotspc.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real VictoriaMetrics (Debian {@code victoria-metrics}) accepting InfluxDB's {@code /api/v2/write}, for tests.
 *
 * <p>Each numeric or boolean field of a line becomes a metric {@code <measurement>_<field>} with the line's tags
 * as labels; string fields are not stored. Read back with {@link #export}.
 */
public final class VictoriaMetricsServer extends LocalServerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;

    private VictoriaMetricsServer() {
        super("victoria-metrics");
    }

    public static VictoriaMetricsServer start() throws IOException {
        String binary = requireBinary("victoria-metrics", "victoria-metrics");
        VictoriaMetricsServer server = new VictoriaMetricsServer();
        try {
            server.url = server.launchOnFreePort((url, port) -> List.of(binary, "-httpListenAddr=127.0.0.1:" + port,
                    "-storageDataPath=" + server.dir.resolve("data"), "-loggerLevel=ERROR", "-retentionPeriod=100y"),
                    "/health", Duration.ofSeconds(20));
            return server;
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
    }

    public String url() {
        return url;
    }

    /** Every series matching a Prometheus selector (e.g. {@code {__name__=~"spc_point_.*"}}), as export JSON lines. */
    public List<JsonNode> export(String selector) throws IOException {
        // Freshly ingested rows become searchable only after VictoriaMetrics flushes them (about every second).
        get(url + "/internal/force_flush");
        HttpResponse<String> response = post(url + "/api/v1/export",
                "match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("export " + selector + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
        List<JsonNode> series = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                series.add(JSON.readTree(line));
            }
        }
        return series;
    }

    /** Polls {@link #export} until {@code done} holds; fails with the last export after {@code timeout}. */
    public List<JsonNode> awaitExport(String selector, Predicate<List<JsonNode>> done, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> series = export(selector);
            if (done.test(series)) {
                return series;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("VictoriaMetrics export of " + selector + " did not reach the expected state within "
                        + timeout + "; last: " + series);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public String toString() {
        return "VictoriaMetricsServer{" + url + "}";
    }
}
