package dev.pilotspc.flink.io;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.regex.Pattern;

/** Event times of CONTRACT.md §2: an ISO-8601 instant or epoch milliseconds, kept in epoch nanoseconds. */
public final class Timestamps {

    /** Latest instant whose epoch nanoseconds fit a long (2262-04-11). */
    private static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000L;

    /**
     * The other ISO-8601 / RFC 3339 spellings gauges write, once {@link #normalized} put a 'T' and a
     * decimal point in place: offsets +02 or +0200, no seconds, any case. Strict: no day 30 of
     * February, no hour 24; a local time without an offset stays an error (the instant would be a guess).
     */
    private static final DateTimeFormatter LENIENT_ISO = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':').appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .optionalEnd()
            .parseLenient().appendOffset("+HH:MM", "Z").parseStrict() // lenient: +HH too
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private static final Pattern SPACE_AT_10 = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (?=\\d)");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("(?i)(T\\d{2}:\\d{2}:\\d{2}),(?=\\d)");
    private static final Pattern OFFSET_WITHOUT_COLON = Pattern.compile("([+-]\\d{2})(\\d{2})$");

    /** A space for the 'T' (RFC 3339), a decimal comma (ISO 8601), +0200 for +02:00, made ISO extended. */
    private static String normalized(String s) {
        String t = SPACE_AT_10.matcher(s).replaceFirst("$1T");
        t = DECIMAL_COMMA.matcher(t).replaceFirst("$1.");
        return OFFSET_WITHOUT_COLON.matcher(t).replaceFirst("$1:$2");
    }

    private Timestamps() {
    }

    /**
     * Epoch milliseconds with a fraction to nanoseconds, exactly as written (a double would land
     * 1764000025001.0 ms in the millisecond before), rounded to the nanosecond; throws when out of range.
     */
    public static long fromMillis(BigDecimal millis) {
        if (millis.signum() < 0 || millis.compareTo(BigDecimal.valueOf(MAX_MILLIS + 1)) >= 0) {
            throw new DateTimeException("epoch milliseconds out of range: " + millis);
        }
        if (millis.precision() - millis.scale() < -9) {
            // below a picosecond: 0 ns (and no rounding through 10^scale for a ts like 1e-99999999)
            return 0;
        }
        BigDecimal nanos = millis.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN);
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new DateTimeException("epoch milliseconds out of range: " + millis);
        }
        return nanos.longValueExact();
    }

    public static long fromMillis(long millis) {
        if (millis < 0 || millis > MAX_MILLIS) {
            throw new DateTimeException("epoch milliseconds out of range: " + millis);
        }
        return millis * 1_000_000L;
    }

    /** Parses epoch milliseconds written as digits (a fraction allowed), or an ISO-8601 instant with Z or an offset. */
    public static long parse(String text) {
        String s = text.trim();
        if (!s.isEmpty() && isDigits(s)) {
            try {
                return fromMillis(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new DateTimeException("epoch milliseconds out of range: " + s);
            }
        }
        int point = s.indexOf('.');
        if (point > 0 && point < s.length() - 1 && isDigits(s.substring(0, point)) && isDigits(s.substring(point + 1))) {
            // as a JSON number with a fraction is read; digits past the 10th (below a tenth of a picosecond) don't matter
            return fromMillis(new BigDecimal(s.substring(0, Math.min(s.length(), point + 11))));
        }
        Instant instant;
        try {
            instant = Instant.parse(s);
        } catch (DateTimeException e) {
            try {
                instant = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeException notIsoOffset) {
                instant = lenient(s);
            }
        }
        try {
            if (instant.getEpochSecond() >= 0) {
                return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
            }
        } catch (ArithmeticException e) {
            // beyond nanoseconds in a long (2262-04-11T23:47:16.854775807Z)
        }
        throw new DateTimeException("instant out of range: " + s);
    }

    /** The lenient spellings; what fails is named in the writer's terms (Java's text shows the normalised form). */
    private static Instant lenient(String s) {
        String normalized = normalized(s);
        try {
            return OffsetDateTime.parse(normalized, LENIENT_ISO).toInstant();
        } catch (DateTimeException e) {
            try {
                LocalDateTime.parse(normalized);
            } catch (DateTimeException notLocal) {
                throw new DateTimeException("'" + s + "' is neither epoch milliseconds nor an ISO-8601 instant"
                        + " (e.g. 2026-11-24T08:00:01.250Z)");
            }
            throw new DateTimeException("'" + s + "' has no zone offset: add Z (UTC) or +hh:mm, the instant would be a guess");
        }
    }

    /** ASCII digits only: other scripts' digits are no epoch milliseconds here (and no number for Java's parsers). */
    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The text up to the seconds of the last second {@link #iso} wrote (alerts come in runs per second). */
    private record SecondText(long second, String text) {
    }

    private static SecondText lastSecond = new SecondText(0, "1970-01-01T00:00:00");

    /**
     * ISO-8601 text of epoch nanoseconds, for alerts: exactly {@link Instant#toString()} (fraction in
     * groups of three digits, none when zero), without its formatter from 1970 on (nanoseconds in a
     * long end in 2262, so the year has four digits).
     */
    public static String iso(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        if (second < 0) {
            return Instant.ofEpochSecond(second, nano).toString();
        }
        SecondText last = lastSecond; // immutable, so safe to share between threads
        if (last.second() != second) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            StringBuilder text = new StringBuilder(19);
            digits(text, t.getYear(), 4).append('-');
            digits(text, t.getMonthValue(), 2).append('-');
            digits(text, t.getDayOfMonth(), 2).append('T');
            digits(text, t.getHour(), 2).append(':');
            digits(text, t.getMinute(), 2).append(':');
            digits(text, t.getSecond(), 2);
            last = new SecondText(second, text.toString());
            lastSecond = last;
        }
        if (nano == 0) {
            return last.text() + 'Z';
        }
        StringBuilder text = new StringBuilder(30).append(last.text()).append('.');
        if (nano % 1_000_000 == 0) {
            digits(text, nano / 1_000_000, 3);
        } else if (nano % 1000 == 0) {
            digits(text, nano / 1000, 6);
        } else {
            digits(text, nano, 9);
        }
        return text.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder out, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(s);
    }
}
