package dev.pilotspc.flink.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.Measurement;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Our line writer against influxdb-client-java's {@link Point} as the reference for escaping and
 * key order, on every result type the engine produces.
 */
class LineProtocolTest {

    @Test
    void matchesTheInfluxClientPointForEveryResultType() throws Exception {
        FeatureConfig c = new FeatureConfig();
        c.feature = "housing bore,dia=1";
        c.unit = "mm \"metric\"";
        c.lsl = 9.9;
        c.usl = 10.1;
        c.target = 10;
        c.baseline = 10;
        c.ewmaLambda = 0.2;
        c.ewmaSigmas = 3;
        c.cusumK = 0.5;
        c.cusumH = 5;
        FeatureMonitor monitor = new FeatureMonitor(c);
        List<SpcResult> results = new ArrayList<>();
        Random random = new Random(4);
        for (int i = 0; i < 80; i++) {
            double x = 10 + 0.02 * random.nextGaussian() + (i > 40 ? 0.002 * (i - 40) : 0);
            monitor.update(new Measurement(1_764_000_000_000_000_000L + i * 1_000_000_000L, c.feature, "PB 1",
                    x, "SN \"" + i + "\"", null, "line=1", "st,2", null, null), results);
        }
        java.util.Set<String> kinds = new java.util.HashSet<>();
        for (SpcResult r : results) {
            kinds.add(r.measurement());
            assertSameLine(parse(reference(r)), parse(LineProtocol.toLine(r)), r.toString());
        }
        assertEquals(7, kinds.size(), "all result kinds covered: " + kinds);
    }

    @Test
    void writesNonAsciiTextAsUtf8LikeTheInfluxClientPoint() throws Exception {
        FeatureConfig c = new FeatureConfig();
        c.feature = "Bohrung Ø12, 直径 \uD83D\uDE00";
        c.lsl = 9.9;
        c.usl = 10.1;
        c.baseline = 5;
        FeatureMonitor monitor = new FeatureMonitor(c);
        List<SpcResult> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            monitor.update(new Measurement(1_764_000_000_000_000_000L + i, c.feature, "Charge=ä 1", 10 + 0.01 * (i % 3),
                    "SN \"ü\" \uD83D\uDE00 " + i, null, null, "Zelle ß", null, null), results);
        }
        for (SpcResult r : results) {
            assertSameLine(parse(reference(r)), parse(LineProtocol.toLine(r)), r.toString());
        }
    }

    @Test
    void aReusedWriterWithItsCachesWritesWhatFreshWritersWrite() {
        FeatureConfig c = new FeatureConfig();
        c.feature = "f";
        c.lsl = 9.9;
        c.usl = 10.1;
        c.baseline = 20;
        c.ewmaLambda = 0.2;
        c.ewmaSigmas = 2.962;
        c.cusumK = 0.5;
        c.cusumH = 5;
        FeatureMonitor[] monitors = {new FeatureMonitor(c), new FeatureMonitor(c)};
        LineProtocol reused = new LineProtocol();
        Random random = new Random(5);
        List<SpcResult> results = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            results.clear();
            double shift = i > 1500 ? 0.03 : 0;
            monitors[i % 2].update(new Measurement(1_764_000_000_000_000_000L + i, c.feature, "B" + i % 2,
                    10 + shift + 0.02 * random.nextGaussian(), "P" + i, null, null, null, null, null), results);
            reused.reset();
            java.io.ByteArrayOutputStream fresh = new java.io.ByteArrayOutputStream();
            for (SpcResult r : results) {
                reused.write(r);
                fresh.writeBytes(LineProtocol.toBytes(r));
            }
            assertEquals(fresh.toString(java.nio.charset.StandardCharsets.UTF_8),
                    new String(reused.toByteArray(), java.nio.charset.StandardCharsets.UTF_8), "measurement " + i);
        }
    }

    /** Equal keys and values; floats to the 15 significant digits the writer keeps. */
    private static void assertSameLine(Map<String, Object> expected, Map<String, Object> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String key : expected.keySet()) {
            Object e = expected.get(key);
            if (e instanceof Double d) {
                assertEquals(d, (Double) actual.get(key), Math.abs(d) * 1e-14, what + " " + key);
            } else {
                assertEquals(e, actual.get(key), what + " " + key);
            }
        }
    }

    @Test
    void leavesOutAbsentValuesAndEmptyTags() {
        double absent = Double.NaN;
        PointResult p = new PointResult(5, new Tags("f", "b", null, ""), "imr", 1.5, 1, "baseline", absent, absent,
                absent, absent, absent, absent, absent, absent, false, "", null, null, null, absent, absent, absent, absent,
                absent, absent, absent, absent, absent, absent);
        String line = LineProtocol.toLine(p);
        assertEquals("spc_point,batch=b,chart=imr,feature=f n=1i,ooc=false,phase=\"baseline\",rules=\"\",x=1.5 5", line);
        assertFalse(line.contains("null"));
        assertFalse(line.contains("NaN"));
    }

    @Test
    void writesLineBreaksAndTabsInStringFieldsAsEscapedText() {
        double absent = Double.NaN;
        PointResult p = new PointResult(5, new Tags("f", "b", null, null), "imr", 1.5, 1, "baseline", absent, absent,
                absent, absent, absent, absent, absent, absent, false, "", "P\r1", "G\t2", "an\"na\n", absent, absent, absent,
                absent, absent, absent, absent, absent, absent, absent);
        String line = LineProtocol.toLine(p);
        assertEquals("spc_point,batch=b,chart=imr,feature=f gauge=\"G\\t2\",n=1i,ooc=false,operator=\"an\\\"na\\n\","
                + "part=\"P\\r1\",phase=\"baseline\",rules=\"\",x=1.5 5", line);
        assertFalse(line.chars().anyMatch(c -> c < 0x20), "one line, whatever the texts hold");
    }

    @Test
    void escapesABackslashInAnOtherwisePlainStringField() {
        // InfluxDB line protocol: in string field values '"' and '\\' must be escaped with '\\'; a
        // part serial ending in a backslash written raw would escape the closing quote and break the
        // line. Each text here has a backslash and nothing else to escape.
        double absent = Double.NaN;
        PointResult p = new PointResult(5, new Tags("f", "b", null, null), "imr", 1.5, 1, "baseline", absent, absent,
                absent, absent, absent, absent, absent, absent, false, "", "SN\\", "G\\2", "anna", absent, absent, absent,
                absent, absent, absent, absent, absent, absent, absent);
        assertEquals("spc_point,batch=b,chart=imr,feature=f gauge=\"G\\\\2\",n=1i,ooc=false,operator=\"anna\","
                + "part=\"SN\\\\\",phase=\"baseline\",rules=\"\",x=1.5 5", LineProtocol.toLine(p));
    }

    @Test
    void keepsTheGaugeAndOperatorOfAPointAsFields() {
        double absent = Double.NaN;
        PointResult p = new PointResult(5, new Tags("f", "b", "L1", "S1"), "imr", 1.5, 1, "baseline", absent, absent,
                absent, absent, absent, absent, absent, absent, false, "", "P1", "CMM 2", "anna", absent, absent, absent,
                absent, absent, absent, absent, absent, absent, absent);
        assertEquals("spc_point,batch=b,chart=imr,feature=f,line=L1,station=S1 gauge=\"CMM 2\",n=1i,ooc=false,"
                + "operator=\"anna\",part=\"P1\",phase=\"baseline\",rules=\"\",x=1.5 5", LineProtocol.toLine(p));
    }

    @Test
    void writesFloatsWithFifteenSignificantDigits() {
        assertEquals("25.00038", LineProtocol.formatFloat(25.00038));
        assertEquals("-0.00411000000000072", LineProtocol.formatFloat(-0.004110000000000724));
        assertEquals("74.0145812813241", LineProtocol.formatFloat(74.01458128132413));
        assertEquals("0.00000959898614634973", LineProtocol.formatFloat(9.598986146349727E-6));
        assertEquals("9.598986146349727E-9", LineProtocol.formatFloat(9.598986146349727E-9));
        assertEquals("1000", LineProtocol.formatFloat(999.99999999999999));
        assertEquals("0.1", LineProtocol.formatFloat(0.1));
        assertEquals("99999.9999999999", LineProtocol.formatFloat(99999.9999999999));
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            double v = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(20) - 5);
            double back = Double.parseDouble(LineProtocol.formatFloat(v));
            assertEquals(v, back, Math.abs(v) * 1e-14, "value " + v);
        }
    }

    @Test
    void writesEveryFloatAsItsFifteenDigitDecimal() {
        Random random = new Random(11);
        for (int i = 0; i < 300_000; i++) {
            double magnitude = Math.pow(10, random.nextInt(21) - 6);
            double v = switch (i % 3) {
                case 0 -> random.nextDouble() * magnitude; // full-precision values
                case 1 -> Math.round(random.nextDouble() * 1e6) / 1e6 * magnitude; // short decimals, trailing zeros
                default -> (random.nextInt(2_000_001) - 1_000_000) / Math.pow(10, random.nextInt(9));
            };
            v = random.nextBoolean() ? v : -v;
            assertEquals(plainDecimal(v), LineProtocol.formatFloat(v), "value " + v);
        }
    }

    @Test
    void writesEveryIntegerAsLongToStringDoes() {
        Random random = new Random(12);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, 99_999_999L, 100_000_000L,
                9_999_999_999_999_999L, 10_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1));
        for (int i = 0; i < 100_000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long k = (1L << 53) / 100_000_000 - 3000; k < (1L << 53) / 100_000_000 + 3000; k++) {
            for (long d = -1; d <= 1; d++) {
                values.add(k * 100_000_000 + d); // where the quotient by 10^8 comes from a double
            }
        }
        for (long v : values) {
            String line = LineProtocol.toLine(new StatusResult(v, new Tags("f", "b", null, null), "in_control", v, 1, ""));
            assertEquals("spc_status,batch=b,feature=f last_rule=\"\",ooc_count=" + v + "i,points=1i,state=\"in_control\" " + v,
                    line);
        }
    }

    /**
     * The format written out independently: the value rounded to 15 significant digits the way the
     * writer scales it (value × 10^decimals, rounded), laid out by BigDecimal without trailing zeros.
     */
    private static String plainDecimal(double v) {
        double abs = Math.abs(v);
        if (v == Math.rint(v) && abs < 1e15) {
            return Long.toString((long) v);
        }
        if (abs < 1e-6 || abs >= 1e15) {
            return Double.toString(v);
        }
        BigDecimal exact = new BigDecimal(abs);
        int exponent = exact.precision() - exact.scale() - 1;
        int decimals = 14 - exponent;
        long scaled = Math.round(abs * Math.pow(10, decimals));
        if (scaled >= 1_000_000_000_000_000L) {
            decimals--;
            scaled = Math.round(decimals >= 0 ? abs * Math.pow(10, decimals) : abs / 10);
        }
        String digits = BigDecimal.valueOf(scaled, decimals).stripTrailingZeros().toPlainString();
        return v < 0 ? "-" + digits : digits;
    }

    /** The same result built with influxdb-client's Point from the record's components. */
    private static String reference(SpcResult r) throws Exception {
        Point point = Point.measurement(r.measurement()).time(r.tsNanos(), WritePrecision.NS);
        Tags tags = r.tags();
        putTag(point, "feature", tags.feature());
        putTag(point, "batch", tags.batch());
        putTag(point, "line", tags.line());
        putTag(point, "station", tags.station());
        for (RecordComponent rc : r.getClass().getRecordComponents()) {
            String name = snake(rc.getName());
            Object v = rc.getAccessor().invoke(r);
            if (name.equals("ts_nanos") || name.equals("tags") || v == null) {
                continue;
            }
            if (name.equals("chart") || name.equals("rule") || name.equals("detector")) {
                putTag(point, name, (String) v);
            } else if (v instanceof Double d) {
                point.addField(name, d);
            } else if (v instanceof Long || v instanceof Integer) {
                point.addField(name, ((Number) v).longValue());
            } else if (v instanceof Boolean b) {
                point.addField(name, b);
            } else {
                point.addField(name, (String) v);
            }
        }
        return point.toLineProtocol();
    }

    private static void putTag(Point p, String key, String value) {
        if (value != null && !value.isEmpty()) {
            p.addTag(key, value);
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Measurement+tags text, typed fields (numbers compared as values) and timestamp. */
    private static Map<String, Object> parse(String line) {
        int fieldsStart = unescapedSpace(line, 0);
        int tsStart = line.lastIndexOf(' ');
        Map<String, Object> parsed = new TreeMap<>();
        parsed.put("@head", line.substring(0, fieldsStart));
        parsed.put("@ts", line.substring(tsStart + 1));
        String fields = line.substring(fieldsStart + 1, tsStart);
        int i = 0;
        while (i < fields.length()) {
            int eq = fields.indexOf('=', i);
            String key = fields.substring(i, eq);
            int end;
            Object value;
            if (fields.charAt(eq + 1) == '"') {
                StringBuilder sb = new StringBuilder();
                end = eq + 2;
                while (fields.charAt(end) != '"') {
                    if (fields.charAt(end) == '\\') {
                        end++;
                    }
                    sb.append(fields.charAt(end++));
                }
                end++;
                value = sb.toString();
            } else {
                end = fields.indexOf(',', eq);
                end = end < 0 ? fields.length() : end;
                String text = fields.substring(eq + 1, end);
                value = text.endsWith("i") ? (Object) Long.parseLong(text.substring(0, text.length() - 1))
                        : text.equals("true") || text.equals("false") ? (Object) Boolean.parseBoolean(text)
                        : (Object) Double.parseDouble(text);
            }
            parsed.put(key, value);
            i = end + 1;
        }
        return parsed;
    }

    private static int unescapedSpace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == ' ') {
                return i;
            }
        }
        return -1;
    }
}
