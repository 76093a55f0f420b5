package dev.pilotspc.flink.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.flink.report.LineProtocolReader.Line;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a batch's results back from InfluxDB with InfluxQL ({@code /query}: InfluxDB 1.x, and 2.x
 * or 3.x through their v1 API), as the same lines the results file holds.
 */
final class InfluxResults {

    private static final List<String> MEASUREMENTS = List.of("spc_point", "spc_limits", "spc_violation", "spc_capability",
            "spc_drift", "spc_status", "spc_readiness");
    private static final Set<String> TAGS = Set.of("feature", "batch", "line", "station", "chart", "rule", "detector");
    private static final ObjectMapper JSON = new ObjectMapper();

    private InfluxResults() {
    }

    /** Every result of {@code batch} (all batches when null), oldest first. */
    static List<Line> read(String url, String database, String token, String batch) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Line> lines = new ArrayList<>();
        for (String measurement : MEASUREMENTS) {
            String query = "SELECT * FROM \"" + measurement + "\""
                    + (batch == null ? "" : " WHERE \"batch\" = '" + batch.replace("\\", "\\\\").replace("'", "\\'") + "'");
            String uri = url.replaceAll("/+$", "") + "/query?epoch=ns&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                    + "&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
            HttpRequest.Builder request;
            try {
                request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60));
            } catch (IllegalArgumentException e) {
                throw new IOException("--influx-url needs an http(s) URL like http://localhost:8086, got '" + url + "'");
            }
            if (token != null && !token.isBlank()) {
                request.header("Authorization", "Token " + token);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while querying " + url);
            } catch (IOException e) {
                throw new IOException("cannot query InfluxDB at " + url + ": " + dev.pilotspc.flink.io.Errors.describe(e));
            }
            if (response.statusCode() != 200) {
                throw new IOException("InfluxDB at " + url + " answered HTTP " + response.statusCode() + ": "
                        + response.body().lines().findFirst().orElse(""));
            }
            JsonNode result;
            try {
                result = JSON.readTree(response.body()).path("results").path(0);
            } catch (IOException e) {
                throw new IOException("InfluxDB at " + url + " did not answer with InfluxQL results (is it InfluxDB's URL?)");
            }
            if (result.has("error")) {
                throw new IOException("InfluxDB at " + url + ": " + result.get("error").asText());
            }
            for (JsonNode series : result.path("series")) {
                List<String> columns = new ArrayList<>();
                series.get("columns").forEach(c -> columns.add(c.asText()));
                for (JsonNode row : series.get("values")) {
                    Map<String, String> tags = new LinkedHashMap<>();
                    Map<String, Object> fields = new LinkedHashMap<>();
                    for (int i = 1; i < columns.size(); i++) {
                        JsonNode v = row.get(i);
                        if (v == null || v.isNull()) {
                            continue;
                        }
                        String name = columns.get(i);
                        if (TAGS.contains(name)) {
                            tags.put(name, v.asText());
                        } else if (v.isBoolean()) {
                            fields.put(name, v.asBoolean());
                        } else if (v.isIntegralNumber() && isCount(name)) {
                            fields.put(name, v.asLong());
                        } else if (v.isNumber()) {
                            fields.put(name, v.asDouble());
                        } else {
                            fields.put(name, v.asText());
                        }
                    }
                    lines.add(new Line(measurement, tags, fields, row.get(0).asLong()));
                }
            }
        }
        lines.sort((a, b) -> Long.compare(a.tsNanos(), b.tsNanos()));
        return lines;
    }

    /** The integer fields of the results (JSON can't tell 5i from 5.0). */
    private static boolean isCount(String field) {
        return Set.of("n", "m", "excluded", "ooc_count", "points").contains(field);
    }
}
