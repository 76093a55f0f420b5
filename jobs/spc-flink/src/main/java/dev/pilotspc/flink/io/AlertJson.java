package dev.pilotspc.flink.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Alert records for {@code spc.alerts} (CONTRACT.md §5): violations, drift alarms and state changes. */
public final class AlertJson {

    private static final JsonFactory JSON = new JsonFactory();

    private AlertJson() {
    }

    /** The limits in force at the alert, carried on violation alerts; NaN where absent. */
    public record Limits(double cl, double ucl, double lcl) {
    }

    public static String violation(ViolationResult v, Limits limits) {
        return write(v.tsNanos(), v.tags(), "violation", g -> {
            g.writeStringField("rule", v.rule());
            g.writeStringField("message", v.message());
            g.writeNumberField("x", v.x());
            g.writeNumberField("n", v.n());
            optional(g, "part", v.part());
            number(g, "cl", limits.cl());
            number(g, "ucl", limits.ucl());
            number(g, "lcl", limits.lcl());
        });
    }

    public static String drift(DriftResult d, double lsl, double usl) {
        return write(d.tsNanos(), d.tags(), "drift", g -> {
            g.writeStringField("detector", d.detector());
            g.writeStringField("message", d.message());
            g.writeNumberField("x", d.x());
            g.writeNumberField("n", d.n());
            optional(g, "part", d.part());
            g.writeStringField("direction", d.direction());
            number(g, "slope", d.slope());
            number(g, "p_value", d.pValue());
            number(g, "shift", d.shift());
            number(g, "parts_to_limit", d.partsToLimit());
            number(g, "lsl", lsl);
            number(g, "usl", usl);
        });
    }

    public static String stateChange(StatusResult s, String previousState, double x, String part, Limits limits) {
        return write(s.tsNanos(), s.tags(), "state", g -> {
            g.writeStringField("state", s.state());
            optional(g, "previous_state", previousState);
            g.writeStringField("message", s.tags().feature() + " (batch " + s.tags().batch() + "): "
                    + (previousState == null ? "" : previousState + " -> ") + s.state()
                    + (s.lastRule().isEmpty() || !StatusResult.OUT_OF_CONTROL.equals(s.state()) ? "" : " (" + s.lastRule() + ")"));
            optional(g, "rule", StatusResult.OUT_OF_CONTROL.equals(s.state()) ? s.lastRule() : null);
            g.writeNumberField("x", x);
            g.writeNumberField("n", s.points());
            optional(g, "part", part);
            number(g, "cl", limits.cl());
            number(g, "ucl", limits.ucl());
            number(g, "lcl", limits.lcl());
        });
    }

    /** A change of a feature's (or, with feature {@code *}, the batch's) readiness verdict. */
    public static String verdictChange(ReadinessResult r, String previousVerdict) {
        return write(r.tsNanos(), r.tags(), "state", g -> {
            g.writeStringField("verdict", r.verdict());
            optional(g, "previous_verdict", previousVerdict);
            g.writeStringField("message", r.tags().feature() + " (batch " + r.tags().batch() + ") readiness: "
                    + (previousVerdict == null ? "" : previousVerdict + " -> ") + r.verdict() + ": " + r.reasons());
            g.writeBooleanField("stable", r.stable());
            g.writeBooleanField("capable", r.capable());
        });
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(long tsNanos, Tags tags, String type, Body body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Timestamps.iso(tsNanos));
            g.writeNumberField("ts_ns", tsNanos);
            g.writeStringField("feature", tags.feature());
            g.writeStringField("batch", tags.batch());
            optional(g, "line", tags.line());
            optional(g, "station", tags.station());
            g.writeStringField("type", type);
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isFinite(value)) {
            g.writeNumberField(name, value);
        }
    }
}
