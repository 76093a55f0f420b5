package dev.pilotspc.flink.io;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Duration options, one syntax for all: ISO-8601 (PT10S) or a number with a unit (500ms, 1.5s, 5m, 2h, 7d); 0 = off. */
public final class Durations {

    private Durations() {
    }

    /**
     * The duration {@code text} gives option {@code --option}; a negative one, or one that rounds to
     * 0 ms, is refused (it would mean "off").
     *
     * @throws IllegalArgumentException naming the option and the text
     */
    public static Duration parse(String option, String text) {
        String v = text.trim();
        Duration d = parseAny(option, v);
        if (d.isNegative() || d.isZero() && !v.replaceAll("[^1-9]", "").isEmpty()) {
            throw new IllegalArgumentException("option --" + option + " needs a duration of at least 1 ms (or 0 = off), got '" + text + "'");
        }
        return d;
    }

    private static Duration parseAny(String option, String v) {
        try {
            if (v.equals("0")) {
                return Duration.ZERO;
            }
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            int split = 0;
            while (split < v.length() && (Character.isDigit(v.charAt(split)) || v.charAt(split) == '.')) {
                split++;
            }
            double amount = Double.parseDouble(v.substring(0, split));
            long millis = switch (v.substring(split).trim().toLowerCase(Locale.ROOT)) {
                case "ms" -> Math.round(amount);
                case "s" -> Math.round(amount * 1000);
                case "m", "min" -> Math.round(amount * 60_000);
                case "h" -> Math.round(amount * 3_600_000);
                case "d" -> Math.round(amount * 86_400_000);
                default -> throw new NumberFormatException();
            };
            return Duration.ofMillis(millis);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("option --" + option + " needs a duration like 500ms, 10s, 5m, 2h, 7d, got '" + v + "'");
        }
    }
}
