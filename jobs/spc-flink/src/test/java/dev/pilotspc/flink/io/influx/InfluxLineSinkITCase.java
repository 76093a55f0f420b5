package dev.pilotspc.flink.io.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pilotspc.flink.io.influx.InfluxOptions.Transport;
import dev.pilotspc.flink.testing.InfluxServer;
import dev.pilotspc.flink.testing.VictoriaMetricsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The sink in a Flink job against a real influxd 1.x (v1 transport) and VictoriaMetrics (v2 transport). */
class InfluxLineSinkITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(noRestarts()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int POINTS = 20;
    /** 2026-11-24T08:00:00Z in nanoseconds. */
    private static final long T0 = 1_795_593_600_000_000_000L;

    private static InfluxServer influx;
    private static VictoriaMetricsServer victoria;

    @BeforeAll
    static void startServers() throws IOException {
        influx = InfluxServer.start("spc");
        victoria = VictoriaMetricsServer.start();
    }

    @AfterAll
    static void stopServers() {
        if (influx != null) {
            influx.close();
        }
        if (victoria != null) {
            victoria.close();
        }
    }

    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    /** One element per charted point: its spc_point line and its spc_status line, as the job emits them. */
    private static List<String> results(long t0) {
        return IntStream.rangeClosed(1, POINTS).mapToObj(n -> {
            long ts = t0 + n * 1_000_000_000L;
            return "spc_point,feature=housing.bore_diameter,batch=B1,chart=imr,station=cell\\ 3 x=" + (10 + n / 1000.0)
                    + ",n=" + n + "i,phase=\"monitor\",ooc=" + (n % 5 == 0) + ",part=\"SN-" + n + ", \\\"lot A\\\" shift 2\" " + ts
                    + "\nspc_status,feature=housing.bore_diameter,batch=B1 state=\"in_control\",points=" + n + "i " + ts;
        }).collect(Collectors.toList());
    }

    private static JobExecutionResult run(List<String> elements, InfluxOptions options, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromData(elements).map(e -> e.getBytes(StandardCharsets.UTF_8))
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .sinkTo(new InfluxLineSink(options)).name("influx-sink").uid("influx-sink");
        return env.execute("influx-sink-itcase");
    }

    private static long counter(JobID job, String name) {
        return METRICS.findMetrics(job, name).values().stream().mapToLong(m -> ((Counter) m).getCount()).sum();
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {true, false})
    void writesEveryLineToInfluxDb1ViaV1WriteEndpoint(boolean gzip) throws Exception {
        String db = "spc_gzip_" + gzip;
        influx.createDatabase(db);
        InfluxOptions options = InfluxOptions.builder(influx.url()).db(db).gzip(gzip).batchSize(7).build();

        JobExecutionResult result = run(results(T0), options, 2);

        assertEquals(POINTS, influx.rows(db, "SELECT * FROM spc_point").size());
        assertEquals(POINTS, influx.rows(db, "SELECT * FROM spc_status").size());
        Map<String, JsonNode> third = influx.rows(db, "SELECT * FROM spc_point WHERE n = 3").get(0);
        assertEquals(T0 + 3_000_000_000L, third.get("time").asLong());
        assertEquals(10.003, third.get("x").asDouble(), 1e-12);
        assertEquals(3, third.get("n").asInt());
        assertEquals("SN-3, \"lot A\" shift 2", third.get("part").asText());
        assertEquals("cell 3", third.get("station").asText());
        assertTrue(third.get("ooc").isBoolean());
        assertTrue(influx.rows(db, "SELECT * FROM spc_point WHERE n = 5").get(0).get("ooc").asBoolean());
        Map<String, String> fieldTypes = new HashMap<>();
        influx.rows(db, "SHOW FIELD KEYS FROM spc_point")
                .forEach(r -> fieldTypes.put(r.get("fieldKey").asText(), r.get("fieldType").asText()));
        assertEquals(Map.of("x", "float", "n", "integer", "ooc", "boolean", "part", "string", "phase", "string"), fieldTypes);
        assertEquals(2L * POINTS, counter(result.getJobID(), "numLinesWritten"));
    }

    @Test
    void writesNumericAndBooleanFieldsViaInfluxClientV2Api() throws Exception {
        // Recent but past: VictoriaMetrics' export ends at "now" and its retention starts a month back.
        long t0 = (System.currentTimeMillis() - 60_000L) * 1_000_000L;
        InfluxOptions options = InfluxOptions.builder(victoria.url()).org("plant").bucket("spc").batchSize(7).build();

        run(results(t0), options, 2);

        String selector = "{__name__=~\"spc_point_(x|n|ooc)\",feature=\"housing.bore_diameter\",station=\"cell 3\"}";
        List<JsonNode> series = victoria.awaitExport(selector,
                s -> s.stream().mapToInt(x -> x.path("values").size()).sum() == 3 * POINTS, Duration.ofSeconds(10));
        Map<String, List<Double>> values = new HashMap<>();
        for (JsonNode s : series) {
            List<Double> v = new ArrayList<>();
            s.path("values").forEach(x -> v.add(x.asDouble()));
            values.put(s.path("metric").path("__name__").asText(), v);
            assertEquals(t0 / 1_000_000L + 1000, s.path("timestamps").get(0).asLong());
        }
        assertEquals(IntStream.rangeClosed(1, POINTS).mapToObj(n -> (double) n).collect(Collectors.toList()),
                values.get("spc_point_n"));
        assertEquals(10.003, values.get("spc_point_x").get(2), 1e-12);
        assertEquals(IntStream.rangeClosed(1, POINTS).mapToObj(n -> n % 5 == 0 ? 1.0 : 0.0).collect(Collectors.toList()),
                values.get("spc_point_ooc"));
    }

    @Test
    void setsAsideALineInfluxDbRejectsAndWritesTheRestOfItsBatch() throws Exception {
        // a rejected line must not fail the job: restored from its checkpoint, it would meet the
        // same line again, for ever
        influx.createDatabase("spc_bad");
        InfluxOptions options = InfluxOptions.builder(influx.url()).db("spc_bad").build();
        List<String> lines = List.of("spc_point,feature=f x=1 " + T0, "this is not line protocol",
                "spc_point,feature=f x=2 " + (T0 + 1_000_000_000L), "spc_point,feature=f x=3 " + (T0 + 2_000_000_000L));

        JobExecutionResult result = run(List.of(String.join("\n", lines)), options, 1);

        assertEquals(List.of(1.0, 2.0, 3.0), influx.rows("spc_bad", "SELECT x FROM spc_point").stream()
                .map(r -> r.get("x").asDouble()).collect(Collectors.toList()));
        assertEquals(1, counter(result.getJobID(), "numRejectedLines"));
        assertEquals(3, counter(result.getJobID(), "numLinesWritten"));
    }

    @Test
    void setsAsidePointsOlderThanTheRetentionPolicyKeeps() throws Exception {
        // influxd answers 400 "partial write: points beyond retention policy dropped=1"
        influx.createDatabase("spc_retention");
        influx.query("spc_retention", "CREATE RETENTION POLICY hour ON spc_retention DURATION 1h REPLICATION 1 DEFAULT");
        long now = System.currentTimeMillis() * 1_000_000L;
        InfluxOptions options = InfluxOptions.builder(influx.url()).db("spc_retention").build();

        JobExecutionResult result = run(List.of("spc_point,feature=f x=1 " + T0 + "\nspc_point,feature=f x=2 " + now),
                options, 1);

        assertEquals(List.of(2.0), influx.rows("spc_retention", "SELECT x FROM spc_point").stream()
                .map(r -> r.get("x").asDouble()).collect(Collectors.toList()));
        assertEquals(1, counter(result.getJobID(), "numRejectedLines"));
    }

    @Test
    void failsTheJobWhenInfluxDbRefusesTheCredentials() throws Exception {
        try (FlakyServer server = new FlakyServer(401)) {
            Exception e = assertThrows(Exception.class, () -> run(results(T0), server.options(Transport.V1).build(), 1));

            assertTrue(ExceptionUtils.findThrowableWithMessage(e, "not retried: check the URL").isPresent(),
                    ExceptionUtils.stringifyException(e));
            assertEquals(List.of(401), server.statuses());
        }
    }

    @Test
    void failsFastWhenTheServerHasNoV2WriteEndpoint() {
        // influxd 1.6 predates /api/v2/write: a 404 is a configuration error, not worth retrying.
        InfluxOptions options = InfluxOptions.builder(influx.url()).org("plant").bucket("spc").maxRetries(3).build();

        Exception e = assertThrows(Exception.class, () -> run(results(T0), options, 1));

        assertTrue(ExceptionUtils.findThrowableWithMessage(e, "HTTP 404").isPresent(), ExceptionUtils.stringifyException(e));
        assertTrue(ExceptionUtils.findThrowableWithMessage(e, "--influx-transport v1").isPresent(), ExceptionUtils.stringifyException(e));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void retriesServiceUnavailableWithBackoffUntilTheBatchLands(Transport transport) throws Exception {
        try (FlakyServer server = new FlakyServer(503, 503)) {
            JobExecutionResult result = run(results(T0), server.options(transport).build(), 1);

            assertEquals(List.of(503, 503, 204), server.statuses());
            assertEquals(2 * POINTS, server.lastBody().size());
            assertEquals(server.lastBody(), server.bodies.get(0));
            assertTrue(server.gzipped.stream().allMatch(g -> g), "every request gzip-encoded");
            assertEquals(2, counter(result.getJobID(), "numWriteRetries"));
            assertEquals(2L * POINTS, counter(result.getJobID(), "numLinesWritten"));
        }
    }

    @Test
    void writesEveryPointOnceAnUnreachableInfluxDbIsBack() throws Exception {
        // the sink target down for a while (connections refused) loses nothing: the writer retries
        // until it is back, holding up its input meanwhile
        influx.createDatabase("spc_outage");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free again once closed: connections are refused until the relay opens
        }
        InfluxOptions options = InfluxOptions.builder("http://127.0.0.1:" + port).db("spc_outage")
                .retryBackoff(Duration.ofMillis(20)).build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(results(T0)).map(e -> e.getBytes(StandardCharsets.UTF_8))
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .sinkTo(new InfluxLineSink(options)).name("influx-sink").uid("influx-sink");
        org.apache.flink.core.execution.JobClient job = env.executeAsync("influx-outage-itcase");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (counter(job.getJobID(), "numWriteRetries") < 3) {
            assertTrue(System.nanoTime() < deadline, "the writer never retried");
            Thread.sleep(20);
        }

        try (Relay relay = new Relay(port, java.net.URI.create(influx.url()).getPort())) {
            job.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }

        assertEquals(POINTS, influx.rows("spc_outage", "SELECT * FROM spc_point").size());
        assertEquals(POINTS, influx.rows("spc_outage", "SELECT * FROM spc_status").size());
        assertEquals(2L * POINTS, counter(job.getJobID(), "numLinesWritten"));
    }

    /** Fault injection: a TCP relay to InfluxDB opened late on the port the sink writes to (until then nothing listens). */
    private static final class Relay implements AutoCloseable {
        private final java.net.ServerSocket server;

        Relay(int port, int targetPort) throws IOException {
            server = new java.net.ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket client = server.accept();
                        java.net.Socket target = new java.net.Socket(InetAddress.getLoopbackAddress(), targetPort);
                        pump(client, target);
                        pump(target, client);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "relay-accept");
            accept.setDaemon(true);
            accept.start();
        }

        private static void pump(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                try (from; to) {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                    // one side closed: so is the other
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void waitsAsLongAsRetryAfterAsksOnTooManyRequests() throws Exception {
        try (FlakyServer server = new FlakyServer(429)) {
            server.retryAfterSeconds = 1;

            run(results(T0), server.options(Transport.V1).build(), 1);

            assertEquals(List.of(429, 204), server.statuses());
            long gapMillis = (server.arrivals.get(1) - server.arrivals.get(0)) / 1_000_000;
            assertTrue(gapMillis >= 950, "retried after " + gapMillis + " ms, Retry-After asked 1000");
        }
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastError() throws Exception {
        try (FlakyServer server = new FlakyServer(503, 503, 503, 503)) {
            Exception e = assertThrows(Exception.class,
                    () -> run(results(T0), server.options(Transport.V1).maxRetries(2).build(), 1));

            assertTrue(ExceptionUtils.findThrowableWithMessage(e, "failed after 3 attempts: HTTP 503").isPresent(),
                    ExceptionUtils.stringifyException(e));
            assertEquals(3, server.statuses().size());
        }
    }

    /** Fault injection: answers the queued error statuses first, then 204, and records what it received. */
    private static final class FlakyServer implements AutoCloseable {
        private final HttpServer http;
        private final Deque<Integer> failures = new ConcurrentLinkedDeque<>();
        private final List<Integer> answered = new CopyOnWriteArrayList<>();
        final List<List<String>> bodies = new CopyOnWriteArrayList<>();
        final List<Boolean> gzipped = new CopyOnWriteArrayList<>();
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        volatile int retryAfterSeconds = -1;

        FlakyServer(Integer... statuses) throws IOException {
            failures.addAll(List.of(statuses));
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", this::handle);
            http.start();
        }

        InfluxOptions.Builder options(Transport transport) {
            InfluxOptions.Builder b = InfluxOptions.builder("http://127.0.0.1:" + http.getAddress().getPort())
                    .transport(transport).retryBackoff(Duration.ofMillis(10)).batchSize(10_000);
            return transport == Transport.V1 ? b.db("spc") : b.org("plant").bucket("spc");
        }

        private void handle(HttpExchange exchange) throws IOException {
            arrivals.add(System.nanoTime());
            boolean gzip = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            try (InputStream in = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                bodies.add(body.lines().filter(l -> !l.isEmpty()).collect(Collectors.toList()));
            }
            gzipped.add(gzip);
            Integer status = failures.poll();
            if (status == null) {
                answered.add(204);
                exchange.sendResponseHeaders(204, -1);
            } else {
                answered.add(status);
                if (retryAfterSeconds >= 0) {
                    exchange.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
                }
                byte[] error = "{\"code\":\"unavailable\",\"message\":\"try later\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, error.length);
                exchange.getResponseBody().write(error);
            }
            exchange.close();
        }

        List<Integer> statuses() {
            return answered;
        }

        List<String> lastBody() {
            return bodies.get(bodies.size() - 1);
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
