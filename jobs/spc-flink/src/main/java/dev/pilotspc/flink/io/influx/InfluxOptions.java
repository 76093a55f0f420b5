package dev.pilotspc.flink.io.influx;

import dev.pilotspc.flink.io.Durations;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Immutable InfluxDB sink configuration, built from {@code --influx-*} options with environment fallbacks.
 *
 * <table>
 *   <caption>Options ({@link #fromMap}); each falls back to the environment variable named after it</caption>
 *   <tr><th>option</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>--influx-url</td><td>INFLUX_URL</td><td>(required)</td><td>e.g. http://localhost:8086</td></tr>
 *   <tr><td>--influx-transport</td><td>INFLUX_TRANSPORT</td><td>v2 when org or bucket given, else v1</td>
 *       <td>{@code v1}: POST /write?db=&amp;rp= (InfluxDB 1.x, 2.x/3.x v1 API); {@code v2}: influxdb-client-java
 *       (2.x, 3.x; 1.8+ with --influx-db instead of bucket/org)</td></tr>
 *   <tr><td>--influx-db, --influx-rp</td><td>INFLUX_DB, INFLUX_RP</td><td></td><td>database and retention policy</td></tr>
 *   <tr><td>--influx-org, --influx-bucket</td><td>INFLUX_ORG, INFLUX_BUCKET</td><td></td><td>v2 destination</td></tr>
 *   <tr><td>--influx-token, --influx-token-file</td><td>INFLUX_TOKEN, INFLUX_TOKEN_FILE</td><td></td>
 *       <td>sent as {@code Authorization: Token …}</td></tr>
 *   <tr><td>--influx-user, --influx-password, --influx-password-file</td>
 *       <td>INFLUX_USER, INFLUX_PASSWORD, INFLUX_PASSWORD_FILE</td><td></td><td>basic auth (v1), user:password token (v2 on 1.8)</td></tr>
 *   <tr><td>--influx-batch-size</td><td>INFLUX_BATCH_SIZE</td><td>5000</td><td>lines per request</td></tr>
 *   <tr><td>--influx-flush-interval</td><td>INFLUX_FLUSH_INTERVAL</td><td>1s</td><td>max age of a partial batch</td></tr>
 *   <tr><td>--influx-gzip</td><td>INFLUX_GZIP</td><td>true</td><td>gzip request bodies</td></tr>
 *   <tr><td>--influx-max-retries</td><td>INFLUX_MAX_RETRIES</td><td>unlimited</td><td>retries on 429, 5xx, I/O errors (a number or {@code unlimited})</td></tr>
 *   <tr><td>--influx-retry-backoff</td><td>INFLUX_RETRY_BACKOFF</td><td>200ms</td><td>first retry delay, doubled up to 10 s</td></tr>
 *   <tr><td>--influx-timeout</td><td>INFLUX_TIMEOUT</td><td>10s</td><td>connect and request timeout</td></tr>
 * </table>
 *
 * <p>Durations take {@code ms}, {@code s} or {@code m} suffixes (bare numbers are milliseconds). A command-line
 * secret beats its file, which beats the environment. Secrets travel inside the job graph (as any operator
 * configuration does) but never appear in {@link #toString()} or in logs.
 */
public final class InfluxOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How lines reach the server. */
    public enum Transport { V1, V2 }

    public static final String URL = "influx-url";
    public static final String TRANSPORT = "influx-transport";
    public static final String DB = "influx-db";
    public static final String RP = "influx-rp";
    public static final String ORG = "influx-org";
    public static final String BUCKET = "influx-bucket";
    public static final String TOKEN = "influx-token";
    public static final String TOKEN_FILE = "influx-token-file";
    public static final String USER = "influx-user";
    public static final String PASSWORD = "influx-password";
    public static final String PASSWORD_FILE = "influx-password-file";
    public static final String BATCH_SIZE = "influx-batch-size";
    public static final String FLUSH_INTERVAL = "influx-flush-interval";
    public static final String GZIP = "influx-gzip";
    public static final String MAX_RETRIES = "influx-max-retries";
    public static final String RETRY_BACKOFF = "influx-retry-backoff";
    public static final String TIMEOUT = "influx-timeout";
    /** Every option name, in help order. */
    public static final List<String> OPTION_NAMES = List.of(URL, TRANSPORT, DB, RP, ORG, BUCKET, TOKEN, TOKEN_FILE,
            USER, PASSWORD, PASSWORD_FILE, BATCH_SIZE, FLUSH_INTERVAL, GZIP, MAX_RETRIES, RETRY_BACKOFF, TIMEOUT);

    static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(10);
    /** {@link #maxRetries()} of a writer that retries until InfluxDB takes the batch. */
    public static final int UNLIMITED = -1;

    private final String url;
    private final Transport transport;
    private final String db;
    private final String retentionPolicy;
    private final String org;
    private final String bucket;
    private final String token;
    private final String username;
    private final String password;
    private final int batchSize;
    private final Duration flushInterval;
    private final boolean gzip;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration requestTimeout;

    private InfluxOptions(Builder b) {
        url = stripTrailingSlash(b.url);
        db = blankToNull(b.db);
        retentionPolicy = blankToNull(b.retentionPolicy);
        org = blankToNull(b.org);
        bucket = blankToNull(b.bucket);
        token = blankToNull(b.token);
        username = blankToNull(b.username);
        password = b.password;
        transport = b.transport != null ? b.transport : (org != null || bucket != null ? Transport.V2 : Transport.V1);
        batchSize = b.batchSize;
        flushInterval = b.flushInterval;
        gzip = b.gzip;
        maxRetries = b.maxRetries;
        retryBackoff = b.retryBackoff;
        requestTimeout = b.requestTimeout;
        validate();
    }

    private void validate() {
        require(url != null, "missing --" + URL + " (or INFLUX_URL)");
        try {
            URI uri = new URI(url);
            require(("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null,
                    "--" + URL + " must be an http:// or https:// URL with a host, got '" + redactUrl(url) + "'");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--" + URL + " is not a URL: '" + redactUrl(url) + "'");
        }
        if (transport == Transport.V1) {
            require(db != null, "--" + TRANSPORT + " v1 needs --" + DB + " (or INFLUX_DB)");
        } else {
            require((bucket != null && org != null) || (bucket == null && org == null && db != null),
                    "--" + TRANSPORT + " v2 needs --" + BUCKET + " and --" + ORG
                            + " (or --" + DB + " alone for InfluxDB 1.8+)");
        }
        require(token == null || username == null, "give either --" + TOKEN + " or --" + USER + ", not both");
        require(username == null || password != null, "--" + USER + " needs --" + PASSWORD + " or --" + PASSWORD_FILE);
        require(batchSize > 0, "--" + BATCH_SIZE + " must be > 0, got " + batchSize);
        require(maxRetries >= 0 || maxRetries == UNLIMITED, "--" + MAX_RETRIES + " must be >= 0 or unlimited, got " + maxRetries);
        requirePositive(flushInterval, FLUSH_INTERVAL);
        requirePositive(retryBackoff, RETRY_BACKOFF);
        requirePositive(requestTimeout, TIMEOUT);
    }

    /** Options from the launcher's option map (keys with or without leading "--"), falling back to the process environment. */
    public static InfluxOptions fromMap(Map<String, String> options) {
        return fromMap(options, System.getenv());
    }

    /** Options from an option map with an explicit environment (for tests and embedding). */
    public static InfluxOptions fromMap(Map<String, String> options, Map<String, String> env) {
        Map<String, String> opts = new java.util.HashMap<>();
        options.forEach((k, v) -> opts.put(k.startsWith("--") ? k.substring(2) : k, v));
        for (String key : opts.keySet()) {
            require(!key.startsWith("influx-") || OPTION_NAMES.contains(key), "unknown option --" + key);
        }
        Lookup in = new Lookup(opts, env);
        Builder b = builder(in.get(URL))
                .db(in.get(DB)).retentionPolicy(in.get(RP)).org(in.get(ORG)).bucket(in.get(BUCKET))
                .username(in.get(USER))
                .token(in.secret(TOKEN, TOKEN_FILE))
                .password(in.secret(PASSWORD, PASSWORD_FILE));
        String transport = in.get(TRANSPORT);
        if (transport != null) {
            switch (transport.trim().toLowerCase(Locale.ROOT)) {
                case "v1": b.transport(Transport.V1); break;
                case "v2": b.transport(Transport.V2); break;
                default: throw new IllegalArgumentException("--" + TRANSPORT + " must be v1 or v2, got '" + transport + "'");
            }
        }
        String v;
        if ((v = in.get(BATCH_SIZE)) != null) {
            b.batchSize(parseInt(BATCH_SIZE, v));
        }
        if ((v = in.get(MAX_RETRIES)) != null) {
            int retries = v.trim().equalsIgnoreCase("unlimited") ? UNLIMITED : parseInt(MAX_RETRIES, v);
            require(retries >= 0 || v.trim().equalsIgnoreCase("unlimited"),
                    "--" + MAX_RETRIES + " must be >= 0 or unlimited, got " + v);
            b.maxRetries(retries);
        }
        if ((v = in.get(FLUSH_INTERVAL)) != null) {
            b.flushInterval(Durations.parse(FLUSH_INTERVAL, v));
        }
        if ((v = in.get(RETRY_BACKOFF)) != null) {
            b.retryBackoff(Durations.parse(RETRY_BACKOFF, v));
        }
        if ((v = in.get(TIMEOUT)) != null) {
            b.requestTimeout(Durations.parse(TIMEOUT, v));
        }
        if ((v = in.get(GZIP)) != null) {
            String g = v.trim().toLowerCase(Locale.ROOT);
            require(g.equals("true") || g.equals("false"), "--" + GZIP + " must be true or false, got '" + v + "'");
            b.gzip(Boolean.parseBoolean(g));
        }
        return b.build();
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    public String url() {
        return url;
    }

    public Transport transport() {
        return transport;
    }

    public String db() {
        return db;
    }

    public String retentionPolicy() {
        return retentionPolicy;
    }

    public String org() {
        return org;
    }

    public String bucket() {
        return bucket;
    }

    public String username() {
        return username;
    }

    // Package-private so that secrets are reachable only by the transports.
    String token() {
        return token;
    }

    String password() {
        return password;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    public boolean gzip() {
        return gzip;
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The URL without user info or query, safe to print. */
    public String redactedUrl() {
        return redactUrl(url);
    }

    @Override
    public String toString() {
        return "InfluxOptions{url=" + redactedUrl() + ", transport=" + transport
                + (db != null ? ", db=" + db : "") + (retentionPolicy != null ? ", rp=" + retentionPolicy : "")
                + (org != null ? ", org=" + org : "") + (bucket != null ? ", bucket=" + bucket : "")
                + (username != null ? ", user=" + username : "")
                + ", token=" + (token != null ? "***" : "none") + ", password=" + (password != null ? "***" : "none")
                + ", batchSize=" + batchSize + ", flushInterval=" + flushInterval.toMillis() + "ms, gzip=" + gzip
                + ", maxRetries=" + (maxRetries == UNLIMITED ? "unlimited" : maxRetries) + ", retryBackoff=" + retryBackoff.toMillis()
                + "ms, timeout=" + requestTimeout.toMillis() + "ms}";
    }

    static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI u = new URI(url);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "<unparseable url>";
        }
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " must be an integer, got '" + value + "'");
        }
    }

    private static void requirePositive(Duration d, String option) {
        require(d != null && !d.isNegative() && !d.isZero(), "--" + option + " must be a positive duration");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String stripTrailingSlash(String s) {
        s = blankToNull(s);
        while (s != null && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Resolves an option from the command line, then from the environment variable named after it. */
    private static final class Lookup {
        private final Map<String, String> opts;
        private final Map<String, String> env;

        Lookup(Map<String, String> opts, Map<String, String> env) {
            this.opts = opts;
            this.env = env;
        }

        static String envName(String option) {
            return option.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        String get(String option) {
            String v = blankToNull(opts.get(option));
            return v != null ? v : blankToNull(env.get(envName(option)));
        }

        String secret(String option, String fileOption) {
            String v = opts.get(option);
            if (v != null && !v.isEmpty()) {
                return v;
            }
            if (blankToNull(opts.get(fileOption)) != null) {
                return readSecret(fileOption, opts.get(fileOption).trim());
            }
            v = env.get(envName(option));
            if (v != null && !v.isEmpty()) {
                return v;
            }
            String file = blankToNull(env.get(envName(fileOption)));
            return file == null ? null : readSecret(fileOption, file);
        }

        private static String readSecret(String option, String file) {
            try {
                // Trailing newlines come from `echo secret > file`; they are never part of a token.
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("--" + option + ": cannot read '" + file + "' ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /** Builder with the documented defaults; {@link #build()} validates. */
    public static final class Builder {
        private final String url;
        private Transport transport;
        private String db;
        private String retentionPolicy;
        private String org;
        private String bucket;
        private String token;
        private String username;
        private String password;
        private int batchSize = 5000;
        private Duration flushInterval = Duration.ofSeconds(1);
        private boolean gzip = true;
        private int maxRetries = UNLIMITED;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder(String url) {
            this.url = url;
        }

        /** Null derives it: V2 when org or bucket is set, else V1. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder db(String db) {
            this.db = db;
            return this;
        }

        public Builder retentionPolicy(String retentionPolicy) {
            this.retentionPolicy = retentionPolicy;
            return this;
        }

        public Builder org(String org) {
            this.org = org;
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public InfluxOptions build() {
            return new InfluxOptions(this);
        }
    }
}
