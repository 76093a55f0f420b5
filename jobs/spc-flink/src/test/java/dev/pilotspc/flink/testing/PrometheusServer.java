package dev.pilotspc.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real Prometheus (Debian {@code prometheus}) on a loopback port scraping one target, for tests.
 *
 * <p>The scrape and rule evaluation intervals are {@link #INTERVAL}: a subquery without a step
 * ({@code [5m:]}) takes the evaluation interval as its step, as the stack's Prometheus does.
 */
public final class PrometheusServer extends LocalServerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Scrape and evaluation interval. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private String url;

    private PrometheusServer() {
        super("prometheus");
    }

    /** Starts Prometheus scraping {@code target} ({@code host:port}, path /metrics) as job {@code job}. */
    public static PrometheusServer start(String job, String target) throws IOException {
        String binary = requireBinary("prometheus", "prometheus");
        PrometheusServer server = new PrometheusServer();
        try {
            String interval = INTERVAL.toSeconds() + "s";
            Files.writeString(server.dir.resolve("prometheus.yml"), "global:\n"
                    + "  scrape_interval: " + interval + "\n"
                    + "  evaluation_interval: " + interval + "\n"
                    + "scrape_configs:\n"
                    + "  - job_name: " + job + "\n"
                    + "    static_configs:\n"
                    + "      - targets: ['" + target + "']\n");
            server.url = server.launchOnFreePort((url, port) -> List.of(binary,
                    "--config.file=" + server.dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + server.dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"), "/-/ready", Duration.ofSeconds(30));
            return server;
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
    }

    public String url() {
        return url;
    }

    /** An instant query at now: {@code data.result} (a vector or scalar); a failed query fails. */
    public JsonNode query(String promql) throws IOException {
        return api("/api/v1/query", "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** A range query over the last {@code range} with {@code step}: {@code data.result}, a matrix. */
    public JsonNode queryRange(String promql, Duration range, Duration step) throws IOException {
        double now = System.currentTimeMillis() / 1000.0;
        return api("/api/v1/query_range", "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + (now - range.toSeconds()) + "&end=" + now + "&step=" + step.toMillis() / 1000.0);
    }

    /** The metric names Prometheus has. */
    public List<String> metricNames() throws IOException {
        JsonNode names = JSON.readTree(get(url + "/api/v1/label/__name__/values").body()).path("data");
        return JSON.convertValue(names, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    /** The scrape targets' state ({@code data.activeTargets}). */
    public JsonNode targets() throws IOException {
        return JSON.readTree(get(url + "/api/v1/targets").body()).path("data").path("activeTargets");
    }

    /** Polls an instant query until {@code done} holds for its result; fails with the last result after {@code timeout}. */
    public JsonNode await(String promql, Predicate<JsonNode> done, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode result = query(promql);
            if (done.test(result)) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Prometheus: " + promql + " did not reach the expected state within " + timeout
                        + "; last: " + result + "; targets: " + targets());
            }
            Thread.sleep(200);
        }
    }

    private JsonNode api(String path, String form) throws IOException {
        HttpResponse<String> response = post(url + path, form);
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(json.path("status").asText())) {
            throw new IllegalStateException("Prometheus " + path + " " + form + " failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        return json.path("data").path("result");
    }

    @Override
    public String toString() {
        return "PrometheusServer{" + url + "}";
    }
}
