package dev.pilotspc.flink.cli;

import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.flink.io.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Command-line options {@code --name value} or {@code --name=value}, each declared with its help
 * text; an environment variable may stand in for an option. Misuse throws {@link UsageException}
 * with a one-line message.
 */
public final class Options {

    /** A one-line problem with the command line or its files. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    private record Spec(String name, String help, String env, boolean flag, String defaultValue) {
    }

    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    /** Options passed with a prefix, e.g. --kafka.security.protocol=SSL, without the prefix. */
    private final Map<String, Map<String, String>> prefixed = new LinkedHashMap<>();
    private boolean help;

    public Options(String command, String summary) {
        this.command = command;
        this.summary = summary;
    }

    public Options option(String name, String help) {
        return option(name, help, null, null);
    }

    public Options option(String name, String help, String env, String defaultValue) {
        specs.put(name, new Spec(name, help, env, false, defaultValue));
        return this;
    }

    public Options flag(String name, String help) {
        specs.put(name, new Spec(name, help, null, true, null));
        return this;
    }

    /**
     * Accepts any {@code --prefix.key=value}, e.g. Kafka client properties, and {@code --prefix-properties
     * FILE} (or {@code SPC_PREFIX_PROPERTIES}): a Java properties file with more of them, for secrets that
     * should not stand on a command line (visible to {@code ps}, logged by cluster entry points).
     */
    public Options prefix(String prefix, String help) {
        specs.put(prefix + ".", new Spec(prefix + ".<key>", help, null, false, null));
        option(prefix + "-properties", "a properties file of the same settings, keys without '" + prefix + ".' (e.g. secrets "
                + "kept off the command line); --" + prefix + ".<key> wins", "SPC_" + prefix.toUpperCase(Locale.ROOT) + "_PROPERTIES", null);
        prefixed.put(prefix, new LinkedHashMap<>());
        return this;
    }

    /**
     * The InfluxDB sink's options (see {@link dev.pilotspc.flink.io.influx.InfluxOptions}); a streaming
     * job retries an unreachable InfluxDB until it is back (its backpressure holds the measurements in
     * Kafka), a bounded run gives up after {@code maxRetries} retries.
     */
    public Options influx(String maxRetries) {
        influxOption("url", "write results to InfluxDB at this URL, e.g. http://localhost:8086", null);
        influxOption("transport", "v1 (POST /write, InfluxDB 1.x) or v2 (client write API: 2.x, 3.x, 1.8+); "
                + "default v2 when --influx-org or --influx-bucket is given, else v1", null);
        influxOption("db", "v1: database", null);
        influxOption("rp", "v1: retention policy", null);
        influxOption("org", "v2: organisation", null);
        influxOption("bucket", "v2: bucket", null);
        influxOption("token", "API token (prefer --influx-token-file or INFLUX_TOKEN)", null);
        influxOption("token-file", "file holding the API token", null);
        influxOption("user", "v1: user name", null);
        influxOption("password", "v1: password (prefer --influx-password-file or INFLUX_PASSWORD)", null);
        influxOption("password-file", "file holding the password", null);
        influxOption("batch-size", "lines per write request", "5000");
        influxOption("flush-interval", "send a partial batch after this long", "1s");
        influxOption("gzip", "gzip request bodies", "true");
        influxOption("max-retries", "retries of a write on 429, 5xx and I/O errors before the job fails, or unlimited",
                maxRetries);
        influxOption("retry-backoff", "first retry delay, doubled each time up to 10 s", "200ms");
        influxOption("timeout", "request timeout", "10s");
        return this;
    }

    /** An --influx-NAME option with its INFLUX_NAME environment variable. */
    private void influxOption(String name, String help, String defaultValue) {
        option("influx-" + name, help, "INFLUX_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), defaultValue);
    }

    /** The readiness verdict's options. */
    public Options readiness() {
        option("ready-min-parts", "parts before a readiness verdict", null, Integer.toString(ReadinessPolicy.DEFAULT_MIN_PARTS));
        option("ready-min-index", "capability needed: Ppk's lower 95 % bound (Cpk's without an overall sigma)", null,
                Double.toString(ReadinessPolicy.DEFAULT_MIN_INDEX));
        flag("ready-point-estimate", "judge capability by the point estimate instead of the lower bound");
        option("ready-window", "stability looks at the last N points of the monitor phase; 0 = all", null, "0");
        return this;
    }

    public ReadinessPolicy readinessPolicy() {
        double minIndex;
        try {
            minIndex = Double.parseDouble(get("ready-min-index"));
        } catch (NumberFormatException e) {
            throw new UsageException("option --ready-min-index needs a number, got '" + get("ready-min-index") + "'");
        }
        if (!(minIndex > 0) || Double.isInfinite(minIndex)) {
            throw new UsageException("option --ready-min-index needs a capability index above 0, e.g. 1.33, got '"
                    + get("ready-min-index") + "'");
        }
        int minParts = getInt("ready-min-parts", 2);
        if (minParts > ReadinessPolicy.MAX_MIN_PARTS) {
            // each chart remembers the serials of the parts it counted until the minimum
            throw new UsageException("option --ready-min-parts must be at most " + ReadinessPolicy.MAX_MIN_PARTS
                    + ", got " + minParts);
        }
        return new ReadinessPolicy(minParts, minIndex,
                flagSet("ready-point-estimate"), getInt("ready-window", 0));
    }

    /** The influx-* options for {@link dev.pilotspc.flink.io.influx.InfluxOptions#fromMap}. */
    public Map<String, String> influxValues() {
        Map<String, String> given = new LinkedHashMap<>();
        // the environment is read by InfluxOptions (a secret's file beats its variable): here the
        // given values, and this command's defaults where no variable stands in
        specs.forEach((name, spec) -> {
            if (!name.startsWith("influx-")) {
                return;
            }
            if (values.containsKey(name)) {
                given.put(name, values.get(name));
            } else if (spec.defaultValue() != null && (spec.env() == null || System.getenv(spec.env()) == null)) {
                given.put(name, spec.defaultValue());
            }
        });
        return given;
    }

    public Options parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            int dot = name.indexOf('.');
            if (dot > 0 && prefixed.containsKey(name.substring(0, dot))) {
                if (value == null) {
                    value = next(args, ++i, name);
                }
                once(prefixed.get(name.substring(0, dot)), name.substring(dot + 1), value, name);
                continue;
            }
            Spec spec = specs.get(name);
            if (spec == null) {
                throw new UsageException("unknown option '--" + name + "'");
            }
            if (spec.flag()) {
                if (value != null && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new UsageException("option --" + name + " is a flag: give it alone, or =true or =false, got '" + value + "'");
                }
                once(values, name, value == null ? "true" : value.toLowerCase(Locale.ROOT), name);
            } else {
                once(values, name, value != null ? value : next(args, ++i, name), name);
            }
        }
        return this;
    }

    /** An option given twice must say the same both times: which one would count is not obvious. */
    private static void once(Map<String, String> into, String key, String value, String option) {
        String before = into.putIfAbsent(key, value);
        if (before != null && !before.equals(value)) {
            throw new UsageException("option --" + option + " is given twice, as '" + before + "' and as '" + value + "'");
        }
    }

    private static String next(String[] args, int i, String name) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException("option '--" + name + "' needs a value");
        }
        return args[i];
    }

    /** Whether --help was given, its usage then printed to {@code out} (the command returns 0). */
    public boolean printedHelp(PrintStream out) {
        if (help) {
            out.println(usage());
        }
        return help;
    }

    public String usage() {
        StringBuilder sb = new StringBuilder("Usage: ./spc ").append(command).append(" [options]\n")
                .append(summary).append("\n\nOptions:\n");
        for (Spec s : specs.values()) {
            String name = "--" + s.name() + (s.flag() ? "" : " <value>");
            sb.append(String.format(Locale.ROOT, "  %-30s %s", name, s.help()));
            if (s.defaultValue() != null) {
                sb.append(" (default ").append(s.defaultValue()).append(')');
            }
            if (s.env() != null) {
                sb.append(" [env ").append(s.env()).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The option's value, else its environment variable, else its default (may be null). */
    public String get(String name) {
        Spec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("undeclared option " + name);
        }
        String v = values.get(name);
        if (v == null && spec.env() != null) {
            v = System.getenv(spec.env());
        }
        return v != null ? v : spec.defaultValue();
    }

    public String required(String name) {
        String v = get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("missing required option --" + name);
        }
        return v;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    /** Whether the option is on the command line (not from the environment or a default). */
    public boolean given(String name) {
        return values.containsKey(name);
    }

    public boolean flagSet(String name) {
        return Boolean.parseBoolean(get(name));
    }

    public int getInt(String name) {
        long v = getLong(name);
        if (v != (int) v) {
            throw new UsageException("option --" + name + " is out of range, got " + v);
        }
        return (int) v;
    }

    public long getLong(String name) {
        String v = get(name);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new UsageException("option --" + name + " needs an integer, got '" + v + "'");
        }
    }

    /** An integer option that must be at least {@code min}. */
    public int getInt(String name, int min) {
        int v = getInt(name);
        if (v < min) {
            throw new UsageException("option --" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    /** Durations as ISO-8601 (PT10S) or a number with a unit: 500ms, 10s, 5m, 2h, 7d; 0 = none. */
    public Duration getDuration(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException("missing required option --" + name);
        }
        return parseDuration(name, v.trim());
    }

    static Duration parseDuration(String name, String v) {
        try {
            return Durations.parse(name, v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The {@code --prefix.key} settings: those of the {@code --prefix-properties} file, then the command line's. */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> merged = new LinkedHashMap<>();
        String file = get(prefix + "-properties");
        if (file != null) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageException("--" + prefix + "-properties " + file + ": cannot read it ("
                        + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()) + ")");
            }
            properties.stringPropertyNames().stream().sorted().forEach(k -> merged.put(k, properties.getProperty(k)));
        }
        merged.putAll(prefixed.get(prefix));
        return merged;
    }
}
