package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;
import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The alert JSON (CONTRACT.md §5) is written by hand: it must be the text Jackson's default
 * generator writes for the same fields, and read back to the same values.
 */
class AlertJsonTest {

    private static final JsonFactory JACKSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void stringsAreEscapedAsJacksonEscapesThem() throws Exception {
        Random random = new Random(7);
        String awkward = "q\"b\\s/\u0000\u0001\b\t\n\u000b\f\r\u001f\u007f\u0080é€\u2028😀 <>&'";
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int k = 0; k < length; k++) {
                s.append(random.nextBoolean() ? awkward.charAt(random.nextInt(awkward.length()))
                        : (char) random.nextInt(0x100));
            }
            String value = s.toString();
            AlertJson.Json ours = new AlertJson.Json();
            ours.string("s", value);
            String text = ours.end();
            assertEquals(jackson(value), text, () -> "escaping of " + value.chars().mapToObj(Integer::toHexString).toList());
            assertEquals(value, MAPPER.readTree(text).get("s").textValue());
        }
    }

    @Test
    void numbersAreWrittenAsJacksonWritesThem() throws Exception {
        double[] values = {0, -0.0, 1, 10.0, 9.94, 1e-7, 1.5e21, Double.MIN_VALUE, Double.MAX_VALUE, 0.1 + 0.2,
            Double.NaN, Double.POSITIVE_INFINITY};
        for (double v : values) {
            AlertJson.Json ours = new AlertJson.Json();
            ours.number("x", v);
            StringWriter out = new StringWriter();
            try (JsonGenerator g = JACKSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("x", v);
                g.writeEndObject();
            }
            assertEquals(out.toString(), ours.end(), "x = " + v);
        }
    }

    @Test
    void violationAlertCarriesItsFieldsAndTheLimits() throws Exception {
        Tags tags = new Tags("bore \"Ø\"", "B1", "line 2", null);
        ViolationResult v = new ViolationResult(1_700_000_000_123_000_000L, tags, "WE1", 10.25, 42, "P42",
                "1 point beyond 3 sigma\n(x = 10.25)", 10, 10.2, 9.8);
        JsonNode json = MAPPER.readTree(AlertJson.violation(v));
        assertEquals("2023-11-14T22:13:20.123Z", json.get("ts").textValue());
        assertEquals(1_700_000_000_123_000_000L, json.get("ts_ns").longValue());
        assertEquals("bore \"Ø\"", json.get("feature").textValue());
        assertEquals("line 2", json.get("line").textValue());
        assertEquals(null, json.get("station"));
        assertEquals("violation", json.get("type").textValue());
        assertEquals("WE1", json.get("rule").textValue());
        assertEquals(v.message(), json.get("message").textValue());
        assertEquals(10.25, json.get("x").doubleValue());
        assertEquals(42, json.get("n").longValue());
        assertEquals("P42", json.get("part").textValue());
        assertEquals(10.0, json.get("cl").doubleValue());
        assertEquals(10.2, json.get("ucl").doubleValue());
        assertEquals(9.8, json.get("lcl").doubleValue());
    }

    @Test
    void absentValuesAreLeftOut() throws Exception {
        Tags tags = new Tags("f", "B1", null, null);
        DriftResult d = new DriftResult(0, tags, DriftResult.TREND, 0.01, 1e-6, Double.NaN, Double.NaN, DriftResult.UP,
                10.5, 30, null, "upward trend");
        JsonNode drift = MAPPER.readTree(AlertJson.drift(d, Double.NaN, 10.8));
        assertEquals("1970-01-01T00:00:00Z", drift.get("ts").textValue());
        assertEquals(null, drift.get("shift"));
        assertEquals(null, drift.get("parts_to_limit"));
        assertEquals(null, drift.get("lsl"));
        assertEquals(null, drift.get("part"));
        assertEquals(10.8, drift.get("usl").doubleValue());
        assertEquals(1e-6, drift.get("p_value").doubleValue());

        JsonNode state = MAPPER.readTree(AlertJson.stateChange(new StatusResult(5, tags, StatusResult.OUT_OF_CONTROL, 1, 3,
                "WE1"), "in_control", 11, "P3", new AlertJson.Limits(Double.NaN, Double.NaN, Double.NaN)));
        assertEquals("f (batch B1): in_control -> out_of_control (WE1)", state.get("message").textValue());
        assertEquals("WE1", state.get("rule").textValue());
        assertEquals(null, state.get("cl"));

        JsonNode verdict = MAPPER.readTree(AlertJson.verdictChange(new ReadinessResult(5, tags, "ready", true, true,
                "all good", true, null), null));
        assertEquals(null, verdict.get("previous_verdict"));
        assertEquals("f (batch B1) readiness: ready: all good", verdict.get("message").textValue());
        assertEquals(true, verdict.get("stable").booleanValue());
    }

    @Test
    void wholeAlertsAreTheTextJacksonWrote() throws Exception {
        // the previous writer (Jackson's generator, same fields in the same order) as the reference
        Random random = new Random(5);
        for (int i = 0; i < 3000; i++) {
            Tags tags = new Tags(text(random), text(random), random.nextBoolean() ? null : text(random),
                    random.nextBoolean() ? "" : text(random));
            long ts = random.nextLong();
            double x = number(random);
            AlertJson.Limits limits = new AlertJson.Limits(number(random), number(random), number(random));
            ViolationResult v = new ViolationResult(ts, tags, text(random), x, random.nextInt(500), text(random), text(random),
                    limits.cl(), limits.ucl(), limits.lcl());
            assertEquals(reference(ts, tags, "violation", g -> {
                g.writeStringField("rule", v.rule());
                g.writeStringField("message", v.message());
                finite(g, "x", v.x());
                g.writeNumberField("n", v.n());
                optional(g, "part", v.part());
                finite(g, "cl", limits.cl());
                finite(g, "ucl", limits.ucl());
                finite(g, "lcl", limits.lcl());
            }), AlertJson.violation(v));

            DriftResult d = new DriftResult(ts, tags, DriftResult.PAGE_HINKLEY, number(random), number(random),
                    number(random), number(random), DriftResult.DOWN, x, random.nextInt(500), null, text(random));
            double lsl = number(random);
            double usl = number(random);
            assertEquals(reference(ts, tags, "drift", g -> {
                g.writeStringField("detector", d.detector());
                g.writeStringField("message", d.message());
                finite(g, "x", d.x());
                g.writeNumberField("n", d.n());
                optional(g, "part", d.part());
                g.writeStringField("direction", d.direction());
                finite(g, "slope", d.slope());
                finite(g, "p_value", d.pValue());
                finite(g, "shift", d.shift());
                finite(g, "parts_to_limit", d.partsToLimit());
                finite(g, "lsl", lsl);
                finite(g, "usl", usl);
            }), AlertJson.drift(d, lsl, usl));

            StatusResult st = new StatusResult(ts, tags, StatusResult.OUT_OF_CONTROL, 2, random.nextInt(500), text(random));
            String previous = random.nextBoolean() ? null : "in_control";
            String part = text(random);
            String message = tags.feature() + " (batch " + tags.batch() + "): " + (previous == null ? "" : previous + " -> ")
                    + st.state() + (st.lastRule().isEmpty() ? "" : " (" + st.lastRule() + ")");
            assertEquals(reference(ts, tags, "state", g -> {
                g.writeStringField("state", st.state());
                optional(g, "previous_state", previous);
                g.writeStringField("message", message);
                optional(g, "rule", st.lastRule());
                finite(g, "x", x);
                g.writeNumberField("n", st.points());
                optional(g, "part", part);
                finite(g, "cl", limits.cl());
                finite(g, "ucl", limits.ucl());
                finite(g, "lcl", limits.lcl());
            }), AlertJson.stateChange(st, previous, x, part, limits));
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws Exception;
    }

    private static String reference(long ts, Tags tags, String type, Body body) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", java.time.Instant.ofEpochSecond(Math.floorDiv(ts, 1_000_000_000L),
                    Math.floorMod(ts, 1_000_000_000L)).toString());
            g.writeNumberField("ts_ns", ts);
            g.writeStringField("feature", tags.feature());
            g.writeStringField("batch", tags.batch());
            optional(g, "line", tags.line());
            optional(g, "station", tags.station());
            g.writeStringField("type", type);
            body.write(g);
            g.writeEndObject();
        }
        return out.toString();
    }

    private static void optional(JsonGenerator g, String name, String value) throws Exception {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(name, value);
        }
    }

    private static void finite(JsonGenerator g, String name, double value) throws Exception {
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        }
    }

    private static String text(Random random) {
        String pool = "abcXYZ019 _-.,;:/\\\"'\n\t\u0001\u007féΩ€😀";
        StringBuilder s = new StringBuilder();
        for (int k = random.nextInt(10); k > 0; k--) {
            s.append(pool.charAt(random.nextInt(pool.length())));
        }
        return s.toString();
    }

    private static double number(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Double.NaN;
            case 1 -> random.nextInt(1000);
            case 2 -> Double.longBitsToDouble(random.nextLong());
            default -> 10 + random.nextGaussian();
        };
    }

    private static String jackson(String value) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("s", value);
            g.writeEndObject();
        }
        return out.toString();
    }
}
