package dev.pilotspc.core.result;

import dev.pilotspc.core.Measurement;
import java.util.Objects;

/** The tags every result carries: feature, batch, and line and station where the measurement had them. */
public record Tags(String feature, String batch, String line, String station) {

    public static Tags of(Measurement m) {
        return new Tags(m.feature(), m.batch(), m.line(), m.station());
    }

    /** Whether these are the tags of {@code m}. */
    public boolean sameAs(Measurement m) {
        return Objects.equals(feature, m.feature()) && Objects.equals(batch, m.batch()) && Objects.equals(line, m.line())
                && Objects.equals(station, m.station());
    }

    /**
     * Why a value can't be an InfluxDB tag, or null: the line protocol escapes ' ', ',' and '=' with
     * a backslash and has no escape for the backslash itself, so a backslash at the end of a tag value
     * or before one of those characters would swallow the delimiter (InfluxDB rejects the line); a
     * line break or other control character has no escape at all (InfluxDB would store "\n" text,
     * the same tag as a real backslash and n).
     */
    public static String problem(String field, String value) {
        if (value == null) {
            return null;
        }
        String notText = notUnicode(field, value);
        if (notText != null) {
            return notText;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return field + " '" + value.replaceAll("\\p{Cntrl}", "?") + "' has a control character (U+"
                        + String.format("%04X", (int) c) + "), which an InfluxDB tag cannot carry";
            }
            if (c == '\\') {
                char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
                if (next == 0 || next == ' ' || next == ',' || next == '=') {
                    return field + " '" + value + "' has a backslash " + (next == 0 ? "at its end" : "before '" + next + "'")
                            + ", which an InfluxDB tag cannot carry";
                }
            }
        }
        return null;
    }

    /**
     * Why a value is not Unicode text, or null: a UTF-16 surrogate without its pair (a JSON escape
     * of half a pair) has no UTF-8 form, so written out it would become '?' and merge with another id.
     */
    public static String notUnicode(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    return field + " has a lone UTF-16 surrogate (U+" + String.format("%04X", (int) c)
                            + "), which is not Unicode text and has no UTF-8 form";
                }
            }
        }
        return null;
    }
}
