package dev.pilotspc.flink.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotspc.core.config.DefinitionException;
import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.flink.cli.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pilot batch to simulate (YAML): parts, rate, stations, features with their process (mean,
 * sigma, gauge resolution, skew) and definition, process faults and delivery faults.
 */
public final class Scenario {

    /** Bundled scenarios, loadable by name. */
    public static final List<String> BUNDLED = List.of("stable", "tool-wear", "incapable");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PROCESS_KEYS = Set.of("mean", "sigma", "resolution", "skew");

    /** One characteristic: its simulated process and its feature definition (JSON for spc.features). */
    public record Feature(String id, String unit, double mean, double sigma, double resolution, double skew,
            double lsl, double usl, String definitionJson) {
    }

    /** A process fault from a part on: shift, drift, variance, outliers or station_offset. */
    public record Fault(String type, String feature, int fromPart, double size, double perPart, double factor,
            double rate, String station) {
        public String describe() {
            return switch (type) {
                case "shift" -> "mean shift of " + plain(size) + " on " + feature + " from part " + fromPart;
                case "drift" -> "drift of " + plain(perPart) + " per part on " + feature + " from part " + fromPart;
                case "variance" -> "sigma x" + plain(factor) + " on " + feature + " from part " + fromPart;
                case "outliers" -> "outliers (" + plain(size) + " sigma, rate " + plain(rate) + ") on " + feature
                        + " from part " + fromPart;
                default -> "offset " + plain(size) + " at station " + station + " on " + feature + " from part " + fromPart;
            };
        }

        /** 0.0006, not 6.0E-4. */
        private static String plain(double v) {
            return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }
    }

    /** Rates per record of the delivery faults. */
    public record Delivery(double malformed, double missingField, double nonFinite, double duplicates,
            double outOfOrder, double late) {
    }

    public final String name;
    public final String description;
    public final long seed;
    public final String batch;
    public final int parts;
    public final double rate;
    public final String line;
    public final List<String> stations;
    public final List<Feature> features;
    public final List<Fault> faults;
    public final Delivery delivery;
    /** The scenario as read, for variants with another part count or rate. */
    private final ObjectNode root;

    private Scenario(JsonNode root, String source) {
        this.root = ((ObjectNode) root).deepCopy();
        name = text(root, "name", source);
        description = root.path("description").asText("");
        seed = root.path("seed").asLong(1);
        batch = root.path("batch").asText("PB-01");
        parts = root.path("parts").asInt(100);
        rate = root.path("rate").asDouble(8);
        line = root.path("line").isMissingNode() ? null : root.path("line").asText();
        stations = new ArrayList<>();
        root.path("stations").forEach(s -> stations.add(s.asText()));
        if (parts < 1 || rate <= 0) {
            throw new IllegalArgumentException(source + ": parts and rate must be positive");
        }
        features = new ArrayList<>();
        for (JsonNode f : root.path("features")) {
            ObjectNode definition = ((ObjectNode) f).deepCopy();
            PROCESS_KEYS.forEach(definition::remove);
            String json = definition.toString();
            try {
                FeatureDefinitions.parseOne(json, source);
            } catch (DefinitionException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            features.add(new Feature(text(f, "feature", source), f.path("unit").asText(null),
                    number(f, "mean", source), number(f, "sigma", source), f.path("resolution").asDouble(0),
                    f.path("skew").asDouble(0), f.path("lsl").asDouble(Double.NaN), f.path("usl").asDouble(Double.NaN),
                    json));
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(source + ": no features");
        }
        faults = new ArrayList<>();
        for (JsonNode f : root.path("faults")) {
            String type = text(f, "type", source);
            if (!Set.of("shift", "drift", "variance", "outliers", "station_offset").contains(type)) {
                throw new IllegalArgumentException(source + ": unknown fault type '" + type + "'");
            }
            String feature = text(f, "feature", source);
            if (features.stream().noneMatch(x -> x.id().equals(feature))) {
                throw new IllegalArgumentException(source + ": fault on unknown feature '" + feature + "'");
            }
            // what each kind needs: without it the fault would silently do nothing
            List<String> needed = switch (type) {
                case "shift" -> List.of("size");
                case "drift" -> List.of("per_part");
                case "variance" -> List.of("factor");
                case "outliers" -> List.of("size", "rate");
                default -> List.of("station", "offset");
            };
            for (String key : needed) {
                if (f.path(key).isMissingNode()) {
                    throw new IllegalArgumentException(source + ": a " + type + " fault on '" + feature + "' needs '" + key + "'");
                }
            }
            faults.add(new Fault(type, feature, f.path("from_part").asInt(1),
                    f.path("size").asDouble(f.path("offset").asDouble(0)), f.path("per_part").asDouble(0),
                    f.path("factor").asDouble(1), f.path("rate").asDouble(0), f.path("station").asText(null)));
        }
        JsonNode d = root.path("delivery");
        Set<String> deliveryFaults = Set.of("malformed", "missing_field", "non_finite", "duplicates", "out_of_order", "late");
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!deliveryFaults.contains(e.getKey())) {
                throw new IllegalArgumentException(source + ": unknown delivery fault '" + e.getKey() + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(deliveryFaults)) + ")");
            }
            if (!e.getValue().isNumber() || e.getValue().asDouble() < 0 || e.getValue().asDouble() > 1) {
                throw new IllegalArgumentException(source + ": delivery '" + e.getKey() + "' is a rate per record, 0..1");
            }
        }
        delivery = new Delivery(d.path("malformed").asDouble(0), d.path("missing_field").asDouble(0),
                d.path("non_finite").asDouble(0), d.path("duplicates").asDouble(0), d.path("out_of_order").asDouble(0),
                d.path("late").asDouble(0));
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!Set.of("name", "description", "seed", "batch", "parts", "rate", "line", "stations", "features",
                    "faults", "delivery").contains(key)) {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "'");
            }
        }
    }

    /** A bundled scenario by name, or a YAML file. */
    public static Scenario load(String nameOrFile) {
        try {
            if (BUNDLED.contains(nameOrFile)) {
                try (InputStream in = Scenario.class.getResourceAsStream("/scenarios/" + nameOrFile + ".yaml")) {
                    return new Scenario(YAML.readTree(in), nameOrFile);
                }
            }
            Path file = Path.of(nameOrFile);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no scenario '" + nameOrFile + "' (bundled: "
                        + String.join(", ", BUNDLED) + ", or a YAML file)");
            }
            return new Scenario(YAML.readTree(file.toFile()), file.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("scenario " + nameOrFile + " is not valid YAML: "
                    + FeatureDefinitions.syntaxError(e));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + nameOrFile + ": " + e.getMessage());
        }
    }

    /** The scenario with another part count and rate (null keeps the scenario's). */
    public Scenario with(Integer newParts, Double newRate) {
        ObjectNode copy = root.deepCopy();
        if (newParts != null) {
            copy.put("parts", newParts);
        }
        if (newRate != null) {
            copy.put("rate", newRate);
        }
        return new Scenario(copy, name);
    }

    /** The options that choose a scenario, shared by the commands that play one. */
    public static Options options(Options o, String rateHelp) {
        return o.option("scenario", "bundled scenario (" + String.join(", ", BUNDLED) + ") or a YAML file", null, "tool-wear")
                .option("parts", "parts to simulate (default: the scenario's)")
                .option("rate", rateHelp);
    }

    /**
     * The scenario the options choose, with their part count and a positive rate applied; a rate of
     * 0 (unpaced) only where {@code unpacedAllowed}.
     */
    public static Scenario from(Options o, boolean unpacedAllowed) {
        try {
            double rate = o.has("rate") ? Double.parseDouble(o.get("rate")) : 0;
            if (o.has("rate") && !(rate > 0 || unpacedAllowed && rate == 0) || Double.isInfinite(rate)) {
                throw new Options.UsageException("option --rate needs parts per second above 0"
                        + (unpacedAllowed ? " (or 0: as fast as possible)" : "") + ", got '" + o.get("rate") + "'");
            }
            return load(o.get("scenario")).with(o.has("parts") ? o.getInt("parts", 1) : null, rate > 0 ? rate : null);
        } catch (NumberFormatException e) {
            throw new Options.UsageException("option --rate needs a number, got '" + o.get("rate") + "'");
        } catch (IllegalArgumentException e) {
            throw new Options.UsageException(e.getMessage());
        }
    }

    private static String text(JsonNode node, String key, String source) {
        JsonNode v = node.path(key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(source + ": '" + key + "' is required");
        }
        return v.asText();
    }

    private static double number(JsonNode node, String key, String source) {
        JsonNode v = node.path(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(source + ": feature '" + node.path("feature").asText() + "': '" + key
                    + "' must be a number");
        }
        return v.asDouble();
    }
}
