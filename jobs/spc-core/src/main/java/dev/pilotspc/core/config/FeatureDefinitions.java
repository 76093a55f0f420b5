package dev.pilotspc.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.pilotspc.core.ControlConstants;
import dev.pilotspc.core.result.Tags;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads feature definitions (CONTRACT.md §3) from YAML or JSON into validated {@link FeatureConfig}s. */
public final class FeatureDefinitions {

    /** The {@code feature} tag of the batch verdict's readiness series (CONTRACT §4), no feature's id. */
    public static final String BATCH_VERDICT_FEATURE = "*";

    /** Defaults of an {@code ewma} or {@code cusum} block's settings that may be left out. */
    private static final double DEFAULT_EWMA_SIGMAS = 3;
    private static final double DEFAULT_CUSUM_K = 0.5;
    private static final double DEFAULT_CUSUM_H = 5;

    private static final String COMMAND = "spc check-features";
    private static final String USAGE = "usage: " + COMMAND + " FILE\n"
            + "  Validates a YAML or JSON feature definitions file (CONTRACT.md section 3) and prints each\n"
            + "  definition with its defaults applied. Exit code 0 when valid, 2 otherwise.";
    private static final List<String> KEYS = List.of("feature", "name", "unit", "target", "lsl", "usl", "chart",
            "subgroup_size", "baseline", "limits", "rules", "ewma", "cusum", "q_chart", "drift",
            "baseline_exclude_ooc", "critical");
    private static final Map<String, Integer> RULE_SETS = new LinkedHashMap<>();

    static {
        RULE_SETS.put("western_electric", Rule.westernElectric());
        RULE_SETS.put("nelson", Rule.nelson());
        RULE_SETS.put("aiag", Rule.aiag());
    }

    /** Default of a number that has none, see {@link Block#number(String, double, DoublePredicate, String)}. */
    private static final double REQUIRED = Double.NaN;
    private static final ObjectMapper YAML = strict(YAMLMapper.builder());
    private static final ObjectMapper JSON = strict(JsonMapper.builder());

    private FeatureDefinitions() {
    }

    /** Reads a YAML or JSON features file. */
    public static List<FeatureConfig> load(Path file) {
        return parse(readText(file), file.toString());
    }

    /** A features file's text (UTF-8), or a one-line error naming the file and the problem. */
    public static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new DefinitionException("cannot read features file " + file + ": " + reason(e));
        }
    }

    /**
     * Parses a list of definitions, a map whose {@code features} key holds such a list, or a map whose
     * {@code features} key maps feature ids to definitions; {@code source} starts every error message.
     */
    public static List<FeatureConfig> parse(String text, String source) {
        JsonNode root = readTree(text, source);
        JsonNode defs = root;
        if (root.isObject()) {
            for (String key : keys(root)) {
                if (!key.equals("features")) {
                    String hint = root.has("feature")
                            ? " (a single definition goes in a list or under 'features:')" : "";
                    throw new DefinitionException(source + ": " + key + ": unknown top-level key, expected 'features'"
                            + hint);
                }
            }
            defs = root.path("features");
            if (defs.isObject()) {
                return byId(defs, source);
            }
            if (!defs.isArray()) {
                throw new DefinitionException(source + ": features: must be a list of definitions or a map keyed by"
                        + " feature id, got " + show(defs));
            }
        } else if (!root.isArray()) {
            throw new DefinitionException(source + ": expected a list of feature definitions or a map with key"
                    + " 'features', got " + show(root));
        }
        List<FeatureConfig> configs = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 1; i <= defs.size(); i++) {
            FeatureConfig c = resolve(defs.get(i - 1), source, "definition #" + i, null);
            Integer first = seen.putIfAbsent(c.feature, i);
            if (first != null) {
                throw new DefinitionException(source + ": feature '" + c.feature + "': defined twice (definitions #"
                        + first + " and #" + i + ")");
            }
            configs.add(c);
        }
        return configs;
    }

    /** Parses one definition object, as carried by a record of the {@code spc.features} topic. */
    public static FeatureConfig parseOne(String text, String source) {
        return resolve(readTree(text, source), source, "definition", null);
    }

    /** Definitions under a map keyed by id; the parser has already rejected a repeated id. */
    private static List<FeatureConfig> byId(JsonNode defs, String source) {
        List<FeatureConfig> configs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : defs.properties()) {
            // "bore_diameter:" with nothing under it is a definition that takes every default.
            JsonNode def = e.getValue().isNull() ? JsonNodeFactory.instance.objectNode() : e.getValue();
            configs.add(resolve(def, source, "feature '" + e.getKey() + "'", e.getKey()));
        }
        return configs;
    }

    private static FeatureConfig resolve(JsonNode def, String source, String label, String keyId) {
        if (!def.isObject()) {
            throw new DefinitionException(source + ": " + label + ": must be a map of keys, got " + show(def));
        }
        // The id comes first so that every later message can name the feature.
        Block d = new Block((ObjectNode) def, source, label, "");
        String id = d.text("feature");
        if (keyId != null && id != null && !id.equals(keyId)) {
            throw d.fail("feature", "'" + id + "' differs from its key '" + keyId + "'");
        }
        id = keyId != null ? keyId : id;
        if (id == null || id.isBlank()) {
            throw d.fail("feature", "required, a non-blank id");
        }
        if (!id.equals(id.strip()) || id.chars().anyMatch(Character::isISOControl)) {
            // Measurements would never match an id with stray spaces, and nothing else would say so.
            throw d.fail("feature", "'" + escape(id) + "' starts or ends with whitespace or holds control characters");
        }
        String tagProblem = Tags.problem("the id", id);
        if (tagProblem != null) {
            throw d.fail("feature", tagProblem); // every measurement of it would be a dead letter
        }
        if (id.equals(BATCH_VERDICT_FEATURE)) {
            throw d.fail("feature", "'*' is the batch verdict's series (spc_readiness feature=*): choose another id");
        }
        d = new Block((ObjectNode) def, source, "feature '" + id + "'", "");
        d.allow(KEYS);

        FeatureConfig c = new FeatureConfig();
        c.feature = id;
        c.name = d.text("name");
        c.unit = d.text("unit");
        specLimits(d, c);
        chart(d, c);
        c.rules = rules(d);
        detectors(d, c);
        c.baselineExcludeOoc = d.bool("baseline_exclude_ooc", true);
        c.critical = d.bool("critical", true);
        return c;
    }

    private static void specLimits(Block d, FeatureConfig c) {
        c.lsl = d.number("lsl");
        c.usl = d.number("usl");
        if (c.hasLsl() && c.hasUsl() && c.lsl >= c.usl) {
            throw d.fail("lsl", "lsl (" + fmt(c.lsl) + ") must be below usl (" + fmt(c.usl) + ")");
        }
        c.target = d.number("target");
        if (!c.hasTarget() && c.hasLsl() && c.hasUsl()) {
            c.target = (c.lsl + c.usl) / 2;
        } else if (c.hasLsl() && c.target < c.lsl || c.hasUsl() && c.target > c.usl) {
            throw d.fail("target", "target (" + fmt(c.target) + ") must lie within the spec limits ["
                    + (c.hasLsl() ? fmt(c.lsl) : "-inf") + ", " + (c.hasUsl() ? fmt(c.usl) : "inf") + "]");
        }
    }

    private static void chart(Block d, FeatureConfig c) {
        String chart = d.text("chart");
        c.chart = chart == null ? ChartType.IMR : ChartType.fromId(chart);
        if (c.chart == null) {
            String allowed = Arrays.stream(ChartType.values()).map(ChartType::id).collect(Collectors.joining(", "));
            throw d.fail("chart", "unknown chart '" + chart + "' (allowed: " + allowed + ")");
        }
        boolean individuals = c.chart == ChartType.IMR;
        if (individuals) {
            c.subgroupSize = d.integer("subgroup_size", 1, 1, Integer.MAX_VALUE);
            if (c.subgroupSize != 1) {
                throw d.fail("subgroup_size", "must be 1 for chart imr, got " + c.subgroupSize
                        + " (use xbar_r or xbar_s for subgroups)");
            }
        } else {
            c.subgroupSize = d.integer("subgroup_size", FeatureConfig.DEFAULT_SUBGROUP_SIZE,
                    ControlConstants.MIN_N, ControlConstants.MAX_N);
        }
        // Individuals need two moving ranges to estimate sigma; each subgroup carries its own spread.
        c.baseline = d.integer("baseline", FeatureConfig.DEFAULT_BASELINE, individuals ? 3 : 2, FeatureConfig.MAX_BASELINE);
        Block limits = d.map("limits", List.of("mean", "sigma"));
        if (limits != null) {
            c.knownMean = limits.number("mean", REQUIRED, v -> true, "");
            c.knownSigma = limits.number("sigma", REQUIRED, v -> v > 0, "must be > 0");
        }
    }

    private static int rules(Block d) {
        JsonNode v = d.get("rules");
        if (v == null) {
            return Rule.westernElectric();
        }
        if (v.isTextual()) {
            Integer set = RULE_SETS.get(v.textValue());
            if (set != null) {
                return set;
            }
            // "WE1, WE2" (YAML reads a flow list without brackets as one text), as spc_point's rules field writes them
            int mask = 0;
            for (String id : v.textValue().split(",", -1)) {
                mask |= runRule(d, TextNode.valueOf(id.strip())).bit();
            }
            return mask;
        }
        if (!v.isArray()) {
            throw d.fail("rules", "must be a rule set name (" + String.join(", ", RULE_SETS.keySet())
                    + ") or a list of rule ids, got " + show(v));
        }
        int mask = 0;
        for (JsonNode id : v) {
            mask |= runRule(d, id).bit();
        }
        return mask;
    }

    private static Rule runRule(Block d, JsonNode id) {
        Rule r = id.isTextual() ? Rule.fromId(id.textValue()) : null;
        // D1, EWMA, CUSUM and Q1 are reported by their own charts and cannot be selected here.
        if (id.isTextual() && RULE_SETS.containsKey(id.textValue())) {
            throw d.fail("rules", "'" + id.textValue() + "' is a rule set: give it alone (rules: " + id.textValue()
                    + "), not among rule ids");
        }
        if (r != null && !r.isRunRule()) {
            throw d.fail("rules", "'" + r.name() + "' cannot be chosen here: D1, EWMA, CUSUM and Q1 signal on their own charts"
                    + " (EWMA and CUSUM where ewma or cusum is on), whatever the rules");
        }
        if (r == null) {
            throw d.fail("rules", "unknown rule " + show(id) + " (rule sets: " + String.join(", ", RULE_SETS.keySet())
                    + "; rule ids: " + Rule.ids(Rule.RUN_RULES_MASK).replace(",", ", ") + ")");
        }
        return r;
    }

    private static void detectors(Block d, FeatureConfig c) {
        Block ewma = d.toggle("ewma", false, List.of("lambda", "sigmas"));
        if (ewma != null) {
            c.ewmaLambda = ewma.number("lambda", REQUIRED, v -> v > 0 && v <= 1, "must be in (0, 1]");
            c.ewmaSigmas = ewma.number("sigmas", DEFAULT_EWMA_SIGMAS, v -> v > 0, "must be > 0");
        }
        Block cusum = d.toggle("cusum", false, List.of("k", "h", "head_start"));
        if (cusum != null) {
            c.cusumK = cusum.number("k", DEFAULT_CUSUM_K, v -> v >= 0, "must be >= 0");
            c.cusumH = cusum.number("h", DEFAULT_CUSUM_H, v -> v > 0, "must be > 0");
            c.cusumHeadStart = cusum.number("head_start", 0, v -> v >= 0 && v < 1,
                    "must be in [0, 1), a fraction of h");
        }
        c.qChart = qChart(d);
        Block drift = d.toggle("drift", true, List.of("window", "alpha", "ph_delta", "ph_lambda", "enabled"));
        c.drift = drift != null;
        if (drift != null) {
            // Checked even with enabled: false, so a typo does not wait for the day drift is switched on.
            c.driftWindow = drift.integer("window", FeatureConfig.DEFAULT_DRIFT_WINDOW, 5, 1000);
            c.driftAlpha = drift.number("alpha", FeatureConfig.DEFAULT_DRIFT_ALPHA, v -> v > 0 && v < 0.5,
                    "must be in (0, 0.5)");
            c.phDelta = drift.number("ph_delta", FeatureConfig.DEFAULT_PH_DELTA, v -> v >= 0, "must be >= 0");
            c.phLambda = drift.number("ph_lambda", FeatureConfig.DEFAULT_PH_LAMBDA, v -> v > 0, "must be > 0");
            c.drift = drift.bool("enabled", true);
        }
    }

    private static QChartMode qChart(Block d) {
        JsonNode v = d.get("q_chart");
        if (v == null) {
            return QChartMode.BASELINE;
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? QChartMode.ALWAYS : QChartMode.OFF;
        }
        for (QChartMode mode : QChartMode.values()) {
            if (mode.name().toLowerCase(Locale.ROOT).equals(v.textValue())) {
                return mode;
            }
        }
        throw d.fail("q_chart", "must be true (always), false (off), 'baseline', 'always' or 'off', got " + show(v));
    }

    /** One line per definition: {@link FeatureConfig#toString()} plus the settings it leaves out. */
    public static String describe(FeatureConfig c) {
        StringBuilder sb = new StringBuilder(c.feature).append(": ").append(c.chart.id())
                .append(c.subgroupSize > 1 ? " n=" + c.subgroupSize : "")
                .append(" lsl=").append(Double.isNaN(c.lsl) ? "-" : fmt(c.lsl))
                .append(" target=").append(Double.isNaN(c.target) ? "-" : fmt(c.target))
                .append(" usl=").append(Double.isNaN(c.usl) ? "-" : fmt(c.usl))
                .append(c.unit != null ? " " + c.unit : "")
                .append(c.hasKnownLimits() ? "" : " baseline=" + c.baseline)
                .append(" rules=").append(c.rules == 0 ? "none" : Rule.ids(c.rules));
        sb.append(c.hasKnownLimits() ? " limits(mean=" + fmt(c.knownMean) + ", sigma=" + fmt(c.knownSigma) + ")" : "");
        sb.append(c.ewmaEnabled() ? " ewma(lambda=" + fmt(c.ewmaLambda) + ", sigmas=" + fmt(c.ewmaSigmas) + ")" : "");
        sb.append(c.cusumEnabled() ? " cusum(k=" + fmt(c.cusumK) + ", h=" + fmt(c.cusumH) + ", head_start="
                + fmt(c.cusumHeadStart) + ")" : "");
        sb.append(" q_chart=").append(c.qChart.name().toLowerCase(Locale.ROOT));
        sb.append(c.drift ? " drift(window=" + c.driftWindow + ", alpha=" + fmt(c.driftAlpha) + ", ph_delta="
                + fmt(c.phDelta) + ", ph_lambda=" + fmt(c.phLambda) + ")" : " drift=off");
        sb.append(c.baselineExcludeOoc ? "" : " baseline_exclude_ooc=false");
        sb.append(c.critical ? " critical" : " non-critical");
        return sb.toString();
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The {@code spc check-features} command; returns the exit code so tests need not exit the JVM. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println(COMMAND + ": expected one FILE argument, got '" + String.join(" ", args) + "'");
            err.println(USAGE);
            return 2;
        }
        try {
            List<FeatureConfig> configs = load(Path.of(args[0]));
            configs.forEach(c -> out.println(describe(c)));
            out.println(configs.size() + " feature definition" + (configs.size() == 1 ? "" : "s") + " OK"
                    + (configs.isEmpty() ? " (a job with none sets every measurement aside as unknown_feature until"
                            + " definitions arrive on the topic)" : ""));
            return 0;
        } catch (IllegalArgumentException e) {
            // a DefinitionException, or an InvalidPathException for a name the file system cannot hold
            err.println(COMMAND + ": " + e.getMessage());
            return 2;
        }
    }

    // A repeated key is nearly always a copy-paste slip, and Jackson would silently keep the last one;
    // a second YAML document would be silently ignored.
    private static ObjectMapper strict(MapperBuilder<?, ?> builder) {
        return builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    private static JsonNode readTree(String text, String source) {
        if (text == null || text.isBlank()) {
            throw new DefinitionException(source + ": empty, expected feature definitions");
        }
        // SnakeYAML rejects the tabs JSON writers indent with, so JSON goes to the JSON parser first;
        // a YAML flow collection with unquoted keys still parses through the YAML fallback.
        char first = text.strip().charAt(0);
        List<ObjectMapper> parsers = first == '{' || first == '[' ? List.of(JSON, YAML) : List.of(YAML);
        JsonProcessingException firstError = null;
        for (ObjectMapper parser : parsers) {
            try {
                if (parser == YAML) {
                    checkYamlScalars(text, source);
                }
                JsonNode root = parser.readTree(text);
                if (root.isMissingNode() || root.isNull()) {
                    throw new DefinitionException(source + ": empty, expected feature definitions");
                }
                return root;
            } catch (JsonProcessingException e) {
                firstError = firstError == null ? e : firstError;
            }
        }
        throw new DefinitionException(source + ": not valid YAML or JSON: " + syntaxError(firstError));
    }

    private static final Pattern PLAIN_INTEGER = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern NOT_FINITE = Pattern.compile("[-+]?\\.(inf|Inf|INF|nan|NaN|NAN)");

    /**
     * What YAML 1.1 reads differently from what a person means, refused with where it is: an alias
     * ({@code *name}), which Jackson reads as the text "name" (it would pass as a value, or fail as
     * an unknown rule named after the anchor), and integers not in plain decimal ({@code 010} is
     * octal 8, {@code 0x1F}, {@code 0b101}, {@code 1_000}), which would pass as other numbers.
     */
    private static void checkYamlScalars(String text, String source) throws JsonProcessingException {
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new DefinitionException(source + ": " + at(p)
                            + "YAML aliases (*" + p.getText() + ") are not supported; write the values out");
                }
                if (token == JsonToken.VALUE_NUMBER_FLOAT && NOT_FINITE.matcher(p.getText()).matches()) {
                    // Jackson cannot read YAML's .inf and .nan; no option takes them
                    throw new DefinitionException(source + ": " + at(p) + p.getText() + ": must be a finite number");
                }
                if (token == JsonToken.VALUE_NUMBER_INT && !PLAIN_INTEGER.matcher(p.getText()).matches()
                        || token == JsonToken.VALUE_NUMBER_FLOAT && p.getText().indexOf('_') >= 0) {
                    throw new DefinitionException(source + ": " + at(p) + p.getText() + " reads as the number "
                            + p.getNumberValue() + " in YAML; write numbers in plain decimal, and quote an id");
                }
            }
        } catch (IOException e) {
            if (e instanceof JsonProcessingException j) {
                throw j;
            }
            throw new DefinitionException(source + ": " + e.getMessage());
        }
    }

    private static String at(JsonParser p) {
        JsonLocation at = p.currentTokenLocation();
        return "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    }

    /** A YAML or JSON syntax error in one line: where, and what the parser found. */
    public static String syntaxError(JsonProcessingException e) {
        // SnakeYAML's message spans lines with an excerpt of the file; its problem and mark are what matter.
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null && y.getProblem() != null) {
            return "line " + (y.getProblemMark().getLine() + 1) + ", column " + (y.getProblemMark().getColumn() + 1)
                    + ": " + y.getProblem().replaceAll("\\s+", " ").strip();
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        if (e.getOriginalMessage().startsWith("Trailing token")) {
            // e.g. a JSON-lines measurements file given as the definitions
            return where + "a second value after the first; a definitions file holds one list or map";
        }
        // Jackson appends where an unclosed bracket opened, with a redacted source name that only adds noise.
        return where + e.getOriginalMessage().lines().findFirst().orElse("").replaceFirst(" \\(start marker at .*", "");
    }

    private static String reason(IOException e) {
        // These exceptions' messages are only the path, which the caller already prints.
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e instanceof CharacterCodingException ? "not UTF-8 text" : String.valueOf(e.getMessage());
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.properties().forEach(e -> keys.add(e.getKey()));
        return keys;
    }

    private static String show(JsonNode v) {
        if (v.isMissingNode()) {
            return "nothing";
        }
        // Jackson writes a non-finite double as a quoted string, which would read as if the file had quoted it.
        String s = v.isTextual() ? "'" + escape(v.textValue()) + "'" : v.isNumber() ? v.asText() : v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String escape(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** One map of a definition (the definition itself or a nested block such as ewma) and its key path for messages. */
    private record Block(ObjectNode node, String source, String label, String prefix) {

        /** The value of a key; an explicit null (a YAML key with nothing after it) counts as absent. */
        JsonNode get(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        DefinitionException fail(String key, String problem) {
            return new DefinitionException(source + ": " + label + ": " + prefix + key + ": " + problem);
        }

        void allow(List<String> known) {
            for (String key : keys(node)) {
                if (!known.contains(key)) {
                    // Catches the usual slips, subgroupSize or subgroupsize for subgroup_size.
                    String squashed = key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
                    String hint = known.stream().filter(k -> k.replace("_", "").equals(squashed)).findFirst()
                            .map(k -> "did you mean '" + k + "'?").orElse("known keys: " + String.join(", ", known));
                    throw fail(key, "unknown key (" + hint + ")");
                }
            }
        }

        String text(String key) {
            JsonNode v = get(key);
            if (v != null && !v.isTextual()) {
                throw fail(key, "must be a string, got " + show(v));
            }
            return v == null ? null : v.textValue();
        }

        /** A finite number, or NaN when absent. */
        double number(String key) {
            JsonNode v = get(key);
            if (v != null && (!v.isNumber() || !Double.isFinite(v.doubleValue()))) {
                throw fail(key, "must be a finite number, got " + show(v));
            }
            return v == null ? Double.NaN : v.doubleValue();
        }

        /** A number that {@code ok} accepts, else a message ending "{@code rule}, got x"; {@code dflt} when absent. */
        double number(String key, double dflt, DoublePredicate ok, String rule) {
            double v = number(key);
            if (Double.isNaN(v) && Double.isNaN(dflt)) {
                throw fail(key, "required");
            }
            if (!Double.isNaN(v) && !ok.test(v)) {
                throw fail(key, rule + ", got " + fmt(v));
            }
            return Double.isNaN(v) ? dflt : v;
        }

        /** An integer in [min, max]; 5.0 counts as 5 since YAML and JSON writers may emit either. */
        int integer(String key, int dflt, int min, int max) {
            JsonNode v = get(key);
            if (v == null) {
                return dflt;
            }
            if (!v.isNumber() || !v.canConvertToExactIntegral()) {
                throw fail(key, "must be an integer, got " + show(v));
            }
            if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
                throw fail(key, "must be from " + min + " to " + max + ", got " + show(v));
            }
            return v.intValue();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode v = get(key);
            if (v != null && !v.isBoolean()) {
                throw fail(key, "must be true or false, got " + show(v));
            }
            return v == null ? dflt : v.booleanValue();
        }

        /** A nested map with its own keys, or null when absent. */
        Block map(String key, List<String> known) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isObject()) {
                throw fail(key, "must be a map of " + String.join(", ", known) + ", got " + show(v));
            }
            Block b = new Block((ObjectNode) v, source, label, prefix + key + ".");
            b.allow(known);
            return b;
        }

        /** A detector that can be switched: null when off, a block of defaults for true / "on", or its map. */
        Block toggle(String key, boolean onByDefault, List<String> known) {
            JsonNode v = get(key);
            if (v != null && v.isObject()) {
                return map(key, known);
            }
            // YAML reads a bare on / off as a boolean; the strings cover JSON and quoted YAML.
            boolean on = v == null ? onByDefault : v.isBoolean() ? v.booleanValue() : "on".equals(v.textValue());
            if (v != null && !v.isBoolean() && !on && !"off".equals(v.textValue())) {
                throw fail(key, "must be a map of " + String.join(", ", known) + ", true/false or 'on'/'off', got "
                        + show(v));
            }
            return on ? new Block(JsonNodeFactory.instance.objectNode(), source, label, prefix + key + ".") : null;
        }
    }
}
