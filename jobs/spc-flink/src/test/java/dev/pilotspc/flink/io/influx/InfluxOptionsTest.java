package dev.pilotspc.flink.io.influx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.flink.io.influx.InfluxOptions.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfluxOptionsTest {

    @Test
    void toStringNeverShowsTokenOrPassword() {
        InfluxOptions v2 = InfluxOptions.fromMap(Map.of("--influx-url", "http://db:8086", "--influx-org", "plant",
                "--influx-bucket", "spc", "--influx-token", "s3cr3t-token"), Map.of());
        InfluxOptions v1 = InfluxOptions.fromMap(Map.of("influx-url", "http://admin:urlpass@db:8086/?p=qpass",
                "influx-db", "spc", "influx-user", "admin", "influx-password", "pa55word"), Map.of());

        assertFalse(v2.toString().contains("s3cr3t"), v2.toString());
        assertTrue(v2.toString().contains("token=***"), v2.toString());
        for (String secret : new String[] {"pa55word", "urlpass", "qpass"}) {
            assertFalse(v1.toString().contains(secret), v1.toString());
        }
        assertTrue(v1.toString().contains("password=***"), v1.toString());
        assertFalse(new InfluxLineSink(v2).toString().contains("s3cr3t"));
    }

    @Test
    void appliesDocumentedDefaults() {
        InfluxOptions o = InfluxOptions.builder("http://localhost:8086/").db("spc").build();

        assertEquals("http://localhost:8086", o.url());
        assertEquals(Transport.V1, o.transport());
        assertEquals(5000, o.batchSize());
        assertEquals(Duration.ofSeconds(1), o.flushInterval());
        assertTrue(o.gzip());
        assertEquals(InfluxOptions.UNLIMITED, o.maxRetries());
        assertEquals(Duration.ofMillis(200), o.retryBackoff());
        assertEquals(Duration.ofSeconds(10), o.requestTimeout());
    }

    @Test
    void choosesV2WhenOrgOrBucketGivenAndV1Otherwise() {
        assertEquals(Transport.V2, InfluxOptions.builder("http://h:8086").org("o").bucket("b").build().transport());
        assertEquals(Transport.V1, InfluxOptions.builder("http://h:8086").db("spc").build().transport());
        assertEquals(Transport.V2, InfluxOptions.builder("http://h:8086").db("spc").transport(Transport.V2).build().transport());
    }

    @Test
    void fallsBackToEnvironmentAndCommandLineWins() {
        Map<String, String> env = Map.of("INFLUX_URL", "http://env:8086", "INFLUX_DB", "envdb", "INFLUX_TOKEN", "envtoken",
                "INFLUX_BATCH_SIZE", "100", "INFLUX_GZIP", "false");

        InfluxOptions fromEnv = InfluxOptions.fromMap(Map.of(), env);
        InfluxOptions overridden = InfluxOptions.fromMap(Map.of("influx-db", "clidb", "influx-flush-interval", "250ms",
                "influx-retry-backoff", "2s", "influx-timeout", "1m", "influx-max-retries", "0", "unrelated", "x"), env);

        assertEquals("http://env:8086", fromEnv.url());
        assertEquals("envdb", fromEnv.db());
        assertEquals("envtoken", fromEnv.token());
        assertEquals(100, fromEnv.batchSize());
        assertFalse(fromEnv.gzip());
        assertEquals("clidb", overridden.db());
        assertEquals(Duration.ofMillis(250), overridden.flushInterval());
        assertEquals(Duration.ofSeconds(2), overridden.retryBackoff());
        assertEquals(Duration.ofMinutes(1), overridden.requestTimeout());
        assertEquals(0, overridden.maxRetries());
        // the job's options' duration syntax (decimals, hours, ISO-8601): --influx-timeout 1h was refused
        InfluxOptions sameSyntax = InfluxOptions.fromMap(Map.of("influx-flush-interval", "1.5s",
                "influx-retry-backoff", "PT0.5S", "influx-timeout", "1h"), env);
        assertEquals(Duration.ofMillis(1500), sameSyntax.flushInterval());
        assertEquals(Duration.ofMillis(500), sameSyntax.retryBackoff());
        assertEquals(Duration.ofHours(1), sameSyntax.requestTimeout());
        assertEquals(InfluxOptions.UNLIMITED,
                InfluxOptions.fromMap(Map.of("influx-max-retries", "Unlimited"), env).maxRetries());
    }

    @Test
    void readsSecretsFromFilesAndCommandLineFileBeatsEnvironmentValue(@TempDir Path tmp) throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "file-token\n");
        Path password = Files.writeString(tmp.resolve("password"), "file-password\n");

        InfluxOptions o = InfluxOptions.fromMap(Map.of("influx-url", "http://h:8086", "influx-org", "o", "influx-bucket", "b",
                "influx-token-file", token.toString()), Map.of("INFLUX_TOKEN", "env-token"));
        InfluxOptions viaEnv = InfluxOptions.fromMap(Map.of("influx-url", "http://h:8086", "influx-db", "spc",
                "influx-user", "u"), Map.of("INFLUX_PASSWORD_FILE", password.toString()));

        assertEquals("file-token", o.token());
        assertEquals("file-password", viaEnv.password());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing url                 | influx-db=spc                                   | --influx-url",
        "v1 without db               | influx-url=http://h:8086                        | --influx-db",
        "v2 without org              | influx-url=http://h:8086,influx-bucket=b        | --influx-org",
        "v2 without bucket           | influx-url=http://h:8086,influx-transport=v2    | --influx-bucket",
        "unknown transport           | influx-url=http://h:8086,influx-db=d,influx-transport=v3 | v1 or v2",
        "not http                    | influx-url=ftp://h,influx-db=d                  | http://",
        "bad duration                | influx-url=http://h:8086,influx-db=d,influx-flush-interval=soon | --influx-flush-interval",
        "duration without unit       | influx-url=http://h:8086,influx-db=d,influx-timeout=500 | like 500ms",
        "zero timeout                | influx-url=http://h:8086,influx-db=d,influx-timeout=0 | positive",
        "zero batch                  | influx-url=http://h:8086,influx-db=d,influx-batch-size=0 | --influx-batch-size",
        "non-numeric retries         | influx-url=http://h:8086,influx-db=d,influx-max-retries=many | --influx-max-retries",
        "bad gzip                    | influx-url=http://h:8086,influx-db=d,influx-gzip=yes | --influx-gzip",
        "token and user              | influx-url=http://h:8086,influx-db=d,influx-token=t,influx-user=u,influx-password=p | not both",
        "user without password       | influx-url=http://h:8086,influx-db=d,influx-user=u | --influx-password",
        "misspelt option             | influx-url=http://h:8086,influx-db=d,influx-bukket=b | --influx-bukket",
        "unreadable token file       | influx-url=http://h:8086,influx-db=d,influx-token-file=/nonexistent/t | --influx-token-file",
    })
    void rejectsBadOptionsWithOneLineMessageNamingTheOption(String problem, String options, String expected) {
        Map<String, String> map = new java.util.HashMap<>();
        for (String kv : options.split(",")) {
            String[] p = kv.split("=", 2);
            map.put(p[0], p[1]);
        }

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InfluxOptions.fromMap(map, Map.of()));

        assertTrue(e.getMessage().contains(expected), problem + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), problem + ": " + e.getMessage());
    }
}
