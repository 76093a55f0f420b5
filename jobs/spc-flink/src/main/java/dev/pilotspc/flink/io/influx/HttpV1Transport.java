package dev.pilotspc.flink.io.influx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** InfluxDB 1.x write endpoint ({@code POST /write?db=&rp=&precision=ns}) over java.net.http. */
final class HttpV1Transport implements LineTransport {
    private final InfluxOptions options;
    private final HttpClient http;
    private final URI uri;
    private final String authorization;

    HttpV1Transport(InfluxOptions options) {
        this.options = options;
        // HTTP/1.1: the JDK's default h2c upgrade attempt is useless against InfluxDB and proxies.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.requestTimeout()).build();
        String query = "db=" + enc(options.db())
                + (options.retentionPolicy() != null ? "&rp=" + enc(options.retentionPolicy()) : "")
                + "&precision=ns";
        this.uri = URI.create(options.url() + "/write?" + query);
        if (options.token() != null) {
            authorization = "Token " + options.token();
        } else if (options.username() != null) {
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (options.username() + ":" + options.password()).getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
    }

    @Override
    public void write(byte[] lines, int length) throws WriteFailure, InterruptedException {
        byte[] body = options.gzip() ? gzip(lines, length) : Arrays.copyOf(lines, length);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(options.requestTimeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (options.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new WriteFailure(0, -1, dev.pilotspc.flink.io.Errors.describe(e), e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new WriteFailure(status,
                    WriteFailure.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null)),
                    "HTTP " + status + ": " + WriteFailure.abbreviate(response.body()), null);
        }
    }

    @Override
    public void close() {
        // Java 17's HttpClient has no close(); its daemon threads end once it is unreachable.
    }

    private static byte[] gzip(byte[] raw, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length / 4 + 64);
        // Fastest level: line protocol still shrinks ~5-10x and the sink thread stays cheap.
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(raw, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
