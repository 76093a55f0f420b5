package dev.pilotspc.flink.io;

import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;

/** Alert records for {@code spc.alerts} (CONTRACT.md §5): violations, drift alarms and state changes. */
public final class AlertJson {

    private AlertJson() {
    }

    /** The limits in force at the alert, carried on violation alerts; NaN where absent. */
    public record Limits(double cl, double ucl, double lcl) {
    }

    /** A violation with the X / X̄ chart's limits the point was judged against (its own subgroup size). */
    public static String violation(ViolationResult v) {
        Json g = start(v.tsNanos(), v.tags(), "violation");
        g.string("rule", v.rule());
        g.string("message", v.message());
        g.finite("x", v.x());
        g.number("n", v.n());
        g.optional("part", v.part());
        g.finite("cl", v.cl());
        g.finite("ucl", v.ucl());
        g.finite("lcl", v.lcl());
        return g.end();
    }

    public static String drift(DriftResult d, double lsl, double usl) {
        Json g = start(d.tsNanos(), d.tags(), "drift");
        g.string("detector", d.detector());
        g.string("message", d.message());
        g.finite("x", d.x());
        g.number("n", d.n());
        g.optional("part", d.part());
        g.string("direction", d.direction());
        g.finite("slope", d.slope());
        g.finite("p_value", d.pValue());
        g.finite("shift", d.shift());
        g.finite("parts_to_limit", d.partsToLimit());
        g.finite("lsl", lsl);
        g.finite("usl", usl);
        return g.end();
    }

    public static String stateChange(StatusResult s, String previousState, double x, String part, Limits limits) {
        Json g = start(s.tsNanos(), s.tags(), "state");
        g.string("state", s.state());
        g.optional("previous_state", previousState);
        g.string("message", s.tags().feature() + " (batch " + s.tags().batch() + "): "
                + (previousState == null ? "" : previousState + " -> ") + s.state()
                + (s.lastRule().isEmpty() || !StatusResult.OUT_OF_CONTROL.equals(s.state()) ? "" : " (" + s.lastRule() + ")"));
        g.optional("rule", StatusResult.OUT_OF_CONTROL.equals(s.state()) ? s.lastRule() : null);
        g.finite("x", x);
        g.number("n", s.points());
        g.optional("part", part);
        g.finite("cl", limits.cl());
        g.finite("ucl", limits.ucl());
        g.finite("lcl", limits.lcl());
        return g.end();
    }

    /** A change of a feature's (or, with feature {@code *}, the batch's) readiness verdict. */
    public static String verdictChange(ReadinessResult r, String previousVerdict) {
        Json g = start(r.tsNanos(), r.tags(), "state");
        g.string("verdict", r.verdict());
        g.optional("previous_verdict", previousVerdict);
        g.string("message", r.tags().feature() + " (batch " + r.tags().batch() + ") readiness: "
                + (previousVerdict == null ? "" : previousVerdict + " -> ") + r.verdict() + ": " + r.reasons());
        g.bool("stable", r.stable());
        g.bool("capable", r.capable());
        return g.end();
    }

    private static Json start(long tsNanos, Tags tags, String type) {
        Json g = new Json();
        g.string("ts", Timestamps.iso(tsNanos));
        g.number("ts_ns", tsNanos);
        g.string("feature", tags.feature());
        g.string("batch", tags.batch());
        g.optional("line", tags.line());
        g.optional("station", tags.station());
        g.string("type", type);
        return g;
    }

    /**
     * One JSON object, written as Jackson's default generator writes it (the alerts were Jackson's
     * before; one alert per few measurements made its generator set-up a visible cost): numbers as
     * {@link Double#toString}, non-finite ones quoted, strings with quotes, backslashes and control
     * characters escaped, everything else as is.
     */
    static final class Json {
        private static final char[] HEX = "0123456789ABCDEF".toCharArray();
        private final StringBuilder out = new StringBuilder(384).append('{');

        void string(String name, String value) {
            name(name);
            if (value == null) {
                out.append("null");
                return;
            }
            quoted(value);
        }

        void optional(String name, String value) {
            if (value != null && !value.isEmpty()) {
                string(name, value);
            }
        }

        void number(String name, long value) {
            name(name);
            out.append(value);
        }

        void number(String name, double value) {
            name(name);
            if (Double.isFinite(value)) {
                out.append(value);
            } else {
                out.append('"').append(value).append('"');
            }
        }

        /** The number, or nothing where it is absent (NaN, infinite). */
        void finite(String name, double value) {
            if (Double.isFinite(value)) {
                number(name, value);
            }
        }

        void bool(String name, boolean value) {
            name(name);
            out.append(value);
        }

        String end() {
            return out.append('}').toString();
        }

        private void name(String name) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":");
        }

        private void quoted(String s) {
            out.append('"');
            int from = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c != '"' && c != '\\') {
                    continue;
                }
                out.append(s, from, i).append('\\');
                switch (c) {
                    case '"', '\\' -> out.append(c);
                    case '\b' -> out.append('b');
                    case '\t' -> out.append('t');
                    case '\n' -> out.append('n');
                    case '\f' -> out.append('f');
                    case '\r' -> out.append('r');
                    default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
                from = i + 1;
            }
            out.append(s, from, s.length()).append('"');
        }
    }
}
