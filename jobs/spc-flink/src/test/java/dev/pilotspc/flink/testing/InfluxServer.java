package dev.pilotspc.flink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real InfluxDB 1.x ({@code influxd} from Debian's {@code influxdb} package) on loopback ports, for tests. */
public final class InfluxServer extends LocalServerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String database;
    private String url;

    private InfluxServer(String database) {
        super("influxd");
        this.database = database;
    }

    /** Starts influxd and creates {@code database}. */
    public static InfluxServer start(String database) throws IOException {
        String influxd = requireBinary("influxd", "influxdb");
        InfluxServer server = new InfluxServer(database);
        try {
            server.url = server.launchOnFreePort((url, httpPort) -> {
                Files.writeString(server.dir.resolve("influxdb.conf"), server.config(httpPort, freePort()));
                return List.of(influxd, "run", "-config", server.dir.resolve("influxdb.conf").toString());
            }, "/ping", Duration.ofSeconds(20));
            server.createDatabase(database);
            return server;
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
    }

    // Loopback only, no usage reporting, no _internal monitor writes, everything under the temp dir.
    private String config(int httpPort, int rpcPort) {
        return "reporting-disabled = true\n"
                + "bind-address = \"127.0.0.1:" + rpcPort + "\"\n"
                + "[meta]\n  dir = \"" + dir.resolve("meta") + "\"\n"
                + "[data]\n  dir = \"" + dir.resolve("data") + "\"\n  wal-dir = \"" + dir.resolve("wal") + "\"\n"
                + "  query-log-enabled = false\n"
                + "[monitor]\n  store-enabled = false\n"
                + "[http]\n  bind-address = \"127.0.0.1:" + httpPort + "\"\n  log-enabled = false\n"
                + "[logging]\n  level = \"warn\"\n";
    }

    public String url() {
        return url;
    }

    public String database() {
        return database;
    }

    public void createDatabase(String name) throws IOException {
        query(null, "CREATE DATABASE \"" + name.replace("\"", "\\\"") + "\"");
    }

    /** Runs InfluxQL against the default database; the parsed JSON response (errors in it fail). */
    public JsonNode query(String influxql) throws IOException {
        return query(database, influxql);
    }

    /** Runs InfluxQL (timestamps as epoch nanoseconds) against {@code db} (null: none, for server commands). */
    public JsonNode query(String db, String influxql) throws IOException {
        String form = "epoch=ns&q=" + URLEncoder.encode(influxql, StandardCharsets.UTF_8)
                + (db != null ? "&db=" + URLEncoder.encode(db, StandardCharsets.UTF_8) : "");
        HttpResponse<String> response = post(url + "/query", form);
        JsonNode json = JSON.readTree(response.body());
        JsonNode error = json.path("error").isMissingNode() ? json.path("results").path(0).path("error") : json.path("error");
        if (response.statusCode() != 200 || !error.isMissingNode()) {
            throw new IllegalStateException("InfluxQL '" + influxql + "' failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return json;
    }

    /** The rows of every series in the first result, each as column name → value (tags included). */
    public List<Map<String, JsonNode>> rows(String db, String influxql) throws IOException {
        List<Map<String, JsonNode>> rows = new ArrayList<>();
        for (JsonNode series : query(db, influxql).path("results").path(0).path("series")) {
            JsonNode columns = series.path("columns");
            for (JsonNode values : series.path("values")) {
                Map<String, JsonNode> row = new LinkedHashMap<>();
                series.path("tags").properties().forEach(t -> row.put(t.getKey(), t.getValue()));
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i).asText(), values.get(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    public String toString() {
        return "InfluxServer{" + url + ", db=" + database + "}";
    }

}
