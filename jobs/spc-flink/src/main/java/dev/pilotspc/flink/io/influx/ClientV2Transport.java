package dev.pilotspc.flink.io.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/** The {@code /api/v2/write} API through influxdb-client-java's blocking write API (InfluxDB 2.x, 3.x, 1.8+). */
final class ClientV2Transport implements LineTransport {
    private final InfluxDBClient client;
    private final WriteApiBlocking writeApi;
    private final String bucket;
    private final String org;

    ClientV2Transport(InfluxOptions options) {
        // Without bucket/org this is InfluxDB 1.8's v1 compatibility, as InfluxDBClientFactory.createV1 sets it up.
        bucket = options.bucket() != null ? options.bucket()
                : options.db() + (options.retentionPolicy() != null ? "/" + options.retentionPolicy() : "");
        org = options.org() != null ? options.org() : "-";
        OkHttpClient.Builder http = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectTimeout(options.requestTimeout())
                .readTimeout(options.requestTimeout())
                .writeTimeout(options.requestTimeout())
                // Retries are ours (counted, with backoff); okhttp's silent retry would hide them.
                .retryOnConnectionFailure(false);
        InfluxDBClientOptions.Builder b = InfluxDBClientOptions.builder()
                .url(options.url()).okHttpClient(http).org(org).bucket(bucket).precision(WritePrecision.NS);
        if (options.token() != null) {
            b.authenticateToken(options.token().toCharArray());
        } else if (options.username() != null) {
            b.authenticateToken((options.username() + ":" + options.password()).toCharArray());
        }
        client = InfluxDBClientFactory.create(b.build());
        if (options.gzip()) {
            client.enableGzip();
        }
        writeApi = client.getWriteApiBlocking();
    }

    @Override
    public void write(byte[] body, int length) throws WriteFailure, InterruptedException {
        try {
            // the lines go as one record: the client only joins records with newlines
            writeApi.writeRecord(bucket, org, WritePrecision.NS, new String(body, 0, length - 1, StandardCharsets.UTF_8));
        } catch (InfluxException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted while writing to InfluxDB");
            }
            int status = e.status();
            String detail = WriteFailure.abbreviate(e.getMessage());
            if (status == 404 && detail.isEmpty()) {
                // InfluxDB 1.x before 1.8 answers a bare 404 here; say what to do instead.
                detail = "no /api/v2/write at this URL (InfluxDB 1.x before 1.8? use --" + InfluxOptions.TRANSPORT + " v1)";
            }
            String message = status == 0
                    ? (e.getCause() != null ? dev.pilotspc.flink.io.Errors.describe(e.getCause()) : e.getMessage())
                    : "HTTP " + status + ": " + detail;
            throw new WriteFailure(status, WriteFailure.parseRetryAfter(header(e.headers(), "Retry-After")), message, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
