package dev.pilotspc.flink.io;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.core.result.ViolationResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Results as InfluxDB line protocol (CONTRACT.md §4), written as UTF-8 straight into a reusable
 * byte buffer: tags and fields in key order (as influxdb-client's Point writes them), escaping per
 * the line protocol reference, absent values left out, timestamps in nanoseconds. A measurement's
 * results are ~45 fields, so this is the job's hottest code: no String or char[] per value.
 */
public final class LineProtocol {

    // Tag sets seen recently, already escaped and encoded; bounded, so many batches can't grow it.
    private static final int MAX_CACHED_TAG_SETS = 10_000;

    private byte[] buf;
    private int size;
    private boolean firstField;
    private final Map<Tags, byte[][]> tagCache = new HashMap<>();
    private final Map<String, byte[]> extraTagCache = new HashMap<>();
    // The results of one measurement share their Tags object: look them up once.
    private Tags lastTags;
    private byte[][] lastTagBytes;
    private long lastTs;
    // " <19 digits at most, with a sign 20>\n" fits 22 bytes
    private final byte[] lastTsText = new byte[24];
    private int lastTsLength;
    // A direct-mapped cache of the text of repeated numbers (by their bits), or null.
    private static final int CACHE_BITS = 12;
    private long[] cachedBits;
    private byte[][] cachedText;

    /** A writer that can be reused for many results (one per thread), with caches for repeated values. */
    public LineProtocol() {
        this(true);
    }

    private LineProtocol(boolean caching) {
        buf = new byte[caching ? 4096 : 256];
        if (caching) {
            cachedBits = new long[1 << CACHE_BITS];
            cachedText = new byte[1 << CACHE_BITS][];
        }
    }

    /** Appends one line (with a trailing newline) for {@code result}. */
    public void write(SpcResult result) {
        if (result instanceof PointResult p) {
            point(p);
        } else if (result instanceof CapabilityResult c) {
            capability(c);
        } else if (result instanceof StatusResult s) {
            status(s);
        } else if (result instanceof ViolationResult v) {
            violation(v);
        } else if (result instanceof LimitsResult l) {
            limits(l);
        } else if (result instanceof DriftResult d) {
            drift(d);
        } else if (result instanceof ReadinessResult r) {
            readiness(r);
        }
        putTimestamp(result.tsNanos());
    }

    /** " ts\n"; the results of one measurement share their timestamp, so its text is kept. */
    private void putTimestamp(long ts) {
        if (ts != lastTs || lastTsLength == 0) {
            int start = size;
            put((byte) ' ');
            putLong(ts);
            put((byte) '\n');
            lastTs = ts;
            lastTsLength = size - start;
            System.arraycopy(buf, start, lastTsText, 0, lastTsLength);
            return;
        }
        ensure(lastTsLength);
        System.arraycopy(lastTsText, 0, buf, size, lastTsLength);
        size += lastTsLength;
    }

    /** Bytes written since the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** The buffer holding the lines written since the last {@link #reset()} (its first {@link #size()} bytes); valid until the next write. */
    public byte[] buffer() {
        return buf;
    }

    /** A copy of the lines written since the last {@link #reset()}. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public void reset() {
        size = 0;
    }

    /** One result's line, without the newline. */
    public static String toLine(SpcResult result) {
        LineProtocol lp = new LineProtocol(false);
        lp.write(result);
        return new String(lp.buf, 0, lp.size - 1, StandardCharsets.UTF_8);
    }

    /** One result's line with its newline, as UTF-8. */
    public static byte[] toBytes(SpcResult result) {
        LineProtocol lp = new LineProtocol(false);
        lp.write(result);
        return lp.toByteArray();
    }

    private void point(PointResult p) {
        head(SPC_POINT, p.tags(), CHART, p.chart());
        repeatedField(CL, p.cl());
        repeatedField(CUSUM_H, p.cusumH());
        field(CUSUM_HI, p.cusumHi());
        field(CUSUM_LO, p.cusumLo());
        field(DISP, p.disp());
        repeatedField(DISP_CL, p.dispCl());
        repeatedField(DISP_LCL, p.dispLcl());
        repeatedField(DISP_UCL, p.dispUcl());
        field(EWMA, p.ewma());
        repeatedField(EWMA_LCL, p.ewmaLcl()); // constant once the exact limits reach the asymptotic ones
        repeatedField(EWMA_UCL, p.ewmaUcl());
        field(GAUGE, p.gauge());
        repeatedField(LCL, p.lcl());
        repeatedField(LSL, p.lsl());
        field(N, p.n());
        field(OOC, p.ooc());
        field(OPERATOR, p.operator());
        field(PART, p.part());
        field(PHASE, p.phase());
        field(Q, p.q());
        field(RULES, p.rules());
        repeatedField(SIGMA, p.sigma());
        repeatedField(TARGET, p.target());
        repeatedField(UCL, p.ucl());
        repeatedField(USL, p.usl());
        field(X, p.x());
    }

    private void limits(LimitsResult l) {
        head(SPC_LIMITS, l.tags(), CHART, l.chart());
        field(CL, l.cl());
        field(DISP_CL, l.dispCl());
        field(DISP_LCL, l.dispLcl());
        field(DISP_UCL, l.dispUcl());
        field(EXCLUDED, (long) l.excluded());
        field(LCL, l.lcl());
        field(M, (long) l.m());
        field(SIGMA, l.sigma());
        field(SOURCE, l.source());
        field(UCL, l.ucl());
    }

    private void violation(ViolationResult v) {
        head(SPC_VIOLATION, v.tags(), RULE, v.rule());
        field(CL, v.cl());
        field(LCL, v.lcl());
        field(MESSAGE, v.message());
        field(N, v.n());
        field(PART, v.part());
        field(UCL, v.ucl());
        field(X, v.x());
    }

    private void capability(CapabilityResult c) {
        head(SPC_CAPABILITY, c.tags(), null, null);
        field(CP, c.cp());
        field(CP_LCL, c.cpLcl());
        field(CPK, c.cpk());
        field(CPK_LCL, c.cpkLcl());
        field(CPL, c.cpl());
        field(CPM, c.cpm());
        field(CPU, c.cpu());
        field(MEAN, c.mean());
        field(N, c.n());
        field(PP, c.pp());
        field(PPK, c.ppk());
        field(PPK_LCL, c.ppkLcl());
        field(PPM_EXPECTED, c.ppmExpected());
        field(PPM_EXPECTED_WITHIN, c.ppmExpectedWithin());
        field(PPM_OBSERVED, c.ppmObserved());
        field(SIGMA_OVERALL, c.sigmaOverall());
        field(SIGMA_WITHIN, c.sigmaWithin());
    }

    private void drift(DriftResult d) {
        head(SPC_DRIFT, d.tags(), DETECTOR, d.detector());
        field(DIRECTION, d.direction());
        field(MESSAGE, d.message());
        field(N, d.n());
        field(P_VALUE, d.pValue());
        field(PART, d.part());
        field(PARTS_TO_LIMIT, d.partsToLimit());
        field(SHIFT, d.shift());
        field(SLOPE, d.slope());
        field(X, d.x());
    }

    private void status(StatusResult s) {
        head(SPC_STATUS, s.tags(), null, null);
        field(LAST_RULE, s.lastRule());
        field(OOC_COUNT, s.oocCount());
        field(POINTS, s.points());
        field(STATE, s.state());
    }

    private void readiness(ReadinessResult r) {
        head(SPC_READINESS, r.tags(), null, null);
        field(CAPABLE, r.capable());
        field(CRITERIA, r.criteria());
        if (r.critical() != null) {
            field(CRITICAL, r.critical());
        }
        field(REASONS, r.reasons());
        field(STABLE, r.stable());
        field(VERDICT, r.verdict());
    }

    // ---- measurement and tags

    private static final int BATCH_TAG = 0;
    private static final int FEATURE_TAG = 1;
    private static final int LINE_TAG = 2;
    private static final int STATION_TAG = 3;
    private static final byte[] CHART = ascii(",chart=");
    private static final byte[] DETECTOR = ascii(",detector=");
    private static final byte[] RULE = ascii(",rule=");

    /**
     * Measurement and tags in key order: batch, the extra tag where it sorts (chart and detector
     * before feature, rule after line), feature, line, station.
     */
    private void head(byte[] measurement, Tags tags, byte[] extraKey, String extraValue) {
        byte[][] t = tagBytes(tags);
        put(measurement);
        put(t[BATCH_TAG]);
        boolean hasExtra = extraValue != null && !extraValue.isEmpty();
        if (hasExtra && extraKey != RULE) {
            put(extraKey);
            put(extraTagValue(extraValue));
        }
        put(t[FEATURE_TAG]);
        put(t[LINE_TAG]);
        if (hasExtra && extraKey == RULE) {
            put(extraKey);
            put(extraTagValue(extraValue));
        }
        put(t[STATION_TAG]);
        put((byte) ' ');
        firstField = true;
    }

    /** A chart type, rule or detector id, escaped: a handful of values, so kept once escaped. */
    private byte[] extraTagValue(String value) {
        byte[] bytes = extraTagCache.get(value);
        if (bytes == null) {
            LineProtocol scratch = new LineProtocol(false);
            scratch.escapeTag(value);
            bytes = scratch.toByteArray();
            if (extraTagCache.size() >= MAX_CACHED_TAG_SETS) {
                extraTagCache.clear();
            }
            extraTagCache.put(value, bytes);
        }
        return bytes;
    }

    private byte[][] tagBytes(Tags tags) {
        if (tags == lastTags) {
            return lastTagBytes;
        }
        byte[][] bytes = tagCache.get(tags);
        if (bytes == null) {
            if (tagCache.size() >= MAX_CACHED_TAG_SETS) {
                tagCache.clear();
            }
            bytes = new byte[][] {tagText(",batch=", tags.batch()), tagText(",feature=", tags.feature()),
                    tagText(",line=", tags.line()), tagText(",station=", tags.station())};
            tagCache.put(tags, bytes);
        }
        lastTags = tags;
        lastTagBytes = bytes;
        return bytes;
    }

    /** ",key=value" escaped, or nothing for an absent value (line protocol has no empty tag values). */
    private static byte[] tagText(String keyPart, String value) {
        if (value == null || value.isEmpty()) {
            return new byte[0];
        }
        LineProtocol scratch = new LineProtocol(false);
        scratch.put(ascii(keyPart));
        scratch.escapeTag(value);
        return scratch.toByteArray();
    }

    /** A tag key or value, UTF-8, with ' ', ',' and '=' escaped and line breaks and tabs written as escapes. */
    private void escapeTag(String s) {
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            switch (c) {
                case ' ', ',', '=' -> {
                    put((byte) '\\');
                    put(c);
                }
                case '\n' -> putAscii("\\n");
                case '\r' -> putAscii("\\r");
                case '\t' -> putAscii("\\t");
                default -> put(c);
            }
        }
    }

    // ---- fields

    /** Field keys are this class's own constants: nothing to escape. */
    private void key(byte[] key) {
        if (!firstField) {
            put((byte) ',');
        }
        firstField = false;
        put(key);
    }

    /** A value that usually repeats from the chart's previous point (limits, specification); left out unless finite. */
    private void repeatedField(byte[] key, double value) {
        if (Double.isFinite(value)) {
            key(key);
            putRepeatedDouble(value);
        }
    }

    /** Left out unless finite: absent values are NaN, and the line protocol has no NaN or infinity. */
    private void field(byte[] key, double value) {
        if (Double.isFinite(value)) {
            key(key);
            putDouble(value);
        }
    }

    private void field(byte[] key, long value) {
        key(key);
        putLong(value);
        put((byte) 'i');
    }

    private void field(byte[] key, boolean value) {
        key(key);
        put(value ? TRUE : FALSE);
    }

    private void field(byte[] key, String value) {
        if (value != null) {
            key(key);
            putQuoted(value);
        }
    }

    /** A string field value: quoted, with '"' and '\\' escaped and line breaks and tabs as \n, \r, \t text, UTF-8. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, right for ASCII
    private void putQuoted(String value) {
        // Most texts are ASCII without escapes (parts, states, rule ids, reasons): their chars are
        // their UTF-8 bytes, copied straight into the buffer without an intermediate array.
        int length = value.length();
        int ascii = 0;
        while (ascii < length) {
            char c = value.charAt(ascii);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            ascii++;
        }
        if (ascii == length) {
            ensure(length + 2);
            buf[size++] = '"';
            value.getBytes(0, length, buf, size);
            size += length;
            buf[size++] = '"';
            return;
        }
        // Escaping works on the UTF-8 bytes, as the bytes of a multi-byte character are never ASCII.
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        int plain = 0;
        while (plain < utf8.length && utf8[plain] != '"' && utf8[plain] != '\\' && utf8[plain] != '\n'
                && utf8[plain] != '\r' && utf8[plain] != '\t') {
            plain++;
        }
        ensure(2 * utf8.length + 2);
        byte[] b = buf;
        b[size++] = '"';
        System.arraycopy(utf8, 0, b, size, plain);
        size += plain;
        for (int i = plain; i < utf8.length; i++) {
            byte c = utf8[i];
            if (c == '"' || c == '\\') {
                b[size++] = '\\';
                b[size++] = c;
            } else if (c == '\n' || c == '\r' || c == '\t') {
                // no line protocol escape exists for them (a raw one would end or break the line): as text
                b[size++] = '\\';
                b[size++] = c == '\n' ? (byte) 'n' : c == '\r' ? (byte) 'r' : (byte) 't';
            } else {
                b[size++] = c;
            }
        }
        b[size++] = '"';
    }

    // ---- numbers

    private static final long[] LONG_POWERS = new long[19];
    private static final double[] POWERS = new double[22];
    private static final double[] NEGATIVE_POWERS = new double[22];

    static {
        LONG_POWERS[0] = 1;
        for (int i = 1; i < LONG_POWERS.length; i++) {
            LONG_POWERS[i] = LONG_POWERS[i - 1] * 10;
        }
        for (int i = 0; i < POWERS.length; i++) {
            POWERS[i] = Math.pow(10, i);
            NEGATIVE_POWERS[i] = 1 / POWERS[i];
        }
    }

    /**
     * A float with 15 significant digits (all a double holds reliably, so a value parsed from text
     * comes back as written), trailing zeros dropped, integral values without a fraction; outside
     * 1e-6..1e15 Java's own notation. Java 17's Double.toString costs ~150 ns, too much for ~35
     * numbers per measurement, so plain values go through a scaled long; limits and specification
     * values repeat on every point of a chart and come from a small cache of their text.
     */
    void putDouble(double v) {
        double abs = Math.abs(v);
        if (v == Math.rint(v) && abs < 1e15) {
            putLong((long) v);
            return;
        }
        if (abs < 1e-6 || abs >= 1e15) {
            putAscii(Double.toString(v));
            return;
        }
        int exponent = decimalExponent(abs);
        int decimals = 14 - exponent; // digits after the point for 15 significant digits
        // x + 0.5 is exact below 2^52, so truncating it rounds like Math.round, only cheaper
        long scaled = (long) (abs * POWERS[decimals] + 0.5);
        if (scaled >= LONG_POWERS[15]) { // rounded up across a power of ten
            decimals--;
            scaled = Math.round(decimals >= 0 ? abs * POWERS[decimals] : abs / 10);
        }
        if (v < 0) {
            put((byte) '-');
        }
        if (decimals <= 0) {
            putLong(scaled * LONG_POWERS[-decimals]);
            return;
        }
        // scaled has 15 digits; the point goes after the first 15 - decimals of them
        int integralDigits = 15 - decimals;
        if (integralDigits <= 0) {
            ensure(2 - integralDigits);
            buf[size++] = '0';
            buf[size++] = '.';
            for (int i = integralDigits; i < 0; i++) {
                buf[size++] = '0';
            }
            putDigits(scaled, 15);
        } else {
            putDigits(scaled, 15); // leaves room for the point (it ensures 8 spare bytes)
            int point = size - decimals;
            System.arraycopy(buf, point, buf, point + 1, decimals);
            buf[point] = '.';
            size++;
        }
        while (buf[size - 1] == '0') {
            size--;
        }
        if (buf[size - 1] == '.') {
            size--;
        }
    }

    /** {@link #putDouble} through a direct-mapped cache: for values that repeat point after point. */
    void putRepeatedDouble(double v) {
        if (cachedBits == null) {
            putDouble(v);
            return;
        }
        long bits = Double.doubleToRawLongBits(v);
        int slot = (int) ((bits * 0x9E3779B97F4A7C15L) >>> (64 - CACHE_BITS));
        byte[] text = cachedText[slot];
        if (text != null && cachedBits[slot] == bits) {
            put(text);
            return;
        }
        int start = size;
        putDouble(v);
        cachedBits[slot] = bits;
        cachedText[slot] = Arrays.copyOfRange(buf, start, size);
    }


    /**
     * floor(log10(abs)) for 1e-6 <= abs < 1e15: the binary exponent gives it or one less, and one
     * comparison with the power of ten above tells which (both from tables).
     */
    private static int decimalExponent(double abs) {
        int i = Math.getExponent(abs) - MIN_BINARY_EXPONENT;
        int e = LOW_DECIMAL_EXPONENT[i];
        return abs >= NEXT_POWER_OF_TEN[i] ? e + 1 : e;
    }

    private static final int MIN_BINARY_EXPONENT = Math.getExponent(1e-6);
    private static final int[] LOW_DECIMAL_EXPONENT = new int[Math.getExponent(1e15) - MIN_BINARY_EXPONENT + 1];
    private static final double[] NEXT_POWER_OF_TEN = new double[LOW_DECIMAL_EXPONENT.length];

    static {
        for (int i = 0; i < LOW_DECIMAL_EXPONENT.length; i++) {
            // the smallest double with this binary exponent, 2^(i + MIN_BINARY_EXPONENT)
            double low = Math.scalb(1.0, i + MIN_BINARY_EXPONENT);
            int e = (int) Math.floor(Math.log10(low));
            while (low >= pow10(e + 1)) {
                e++;
            }
            while (low < pow10(e)) {
                e--;
            }
            LOW_DECIMAL_EXPONENT[i] = e;
            NEXT_POWER_OF_TEN[i] = pow10(e + 1);
        }
    }

    private static double pow10(int e) {
        return e >= 0 ? POWERS[e] : NEGATIVE_POWERS[-e];
    }

    private void putLong(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                putAscii(Long.toString(v));
                return;
            }
            put((byte) '-');
            v = -v;
        }
        putDigits(v, digitCount(v));
    }

    /** Decimal digits of {@code v} >= 0 (1 for 0). */
    private static int digitCount(long v) {
        int digits = 1;
        while (digits < 19 && v >= LONG_POWERS[digits]) {
            digits++;
        }
        return digits;
    }

    /** The last {@code width} (1..19) decimal digits of {@code v} (v >= 0), with leading zeros. */
    private void putDigits(long v, int width) {
        ensure(width + 8); // the 8-byte stores below may run past the digits
        if (width > 16) {
            long top = v / 10_000_000_000_000_000L; // one real division, for 17 to 19 digits only
            putDigits(top, width - 16);
            putDigits(v - top * 10_000_000_000_000_000L, 16);
            return;
        }
        if (width <= 8) {
            LONG_LE.set(buf, size, eightDigits((int) v) >>> (8 - width) * 8);
        } else {
            // v < 10^16: the quotient by 10^8 from a double (C2 compiles long division by a constant
            // to a slow idiv). Below 2^53 truncating v * 1e-8 is exact: checked for every multiple
            // of 10^8 up to 2^53 and its neighbours, where an error would show.
            long high = v < 1L << 53 ? (long) (v * 1e-8) : v / 100_000_000;
            long low = v - high * 100_000_000;
            // the high digits first: their store's spare bytes are overwritten by the low digits
            LONG_LE.set(buf, size, eightDigits((int) high) >>> (16 - width) * 8);
            LONG_LE.set(buf, size + width - 8, eightDigits((int) low));
        }
        size += width;
    }

    /**
     * The eight decimal digits of {@code x} (0 <= x < 10^8) as ASCII bytes of a little-endian long,
     * computed for all digits at once in 16- and 8-bit lanes (no loop, no table): x/10^4 and
     * x%10^4 in 32-bit lanes, then each split by 100 (10486/2^20) and by 10 (103/2^10).
     */
    static long eightDigits(int x) {
        long high = x / 10_000;
        long merged = high | (x - high * 10_000) << 32;
        long leadingPairs = (merged * 10486L >>> 20) & 0x0000007F0000007FL;
        long pairs = leadingPairs | (merged - 100L * leadingPairs) << 16;
        long tens = (pairs * 103L >>> 10) & 0x000F000F000F000FL;
        long digits = tens | (pairs - 10L * tens) << 8;
        return digits + 0x3030303030303030L;
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A float as the line protocol writes it (15 significant digits, integral values without a fraction). */
    public static String formatFloat(double v) {
        LineProtocol lp = new LineProtocol(false);
        lp.putDouble(v);
        return new String(lp.buf, 0, lp.size, StandardCharsets.US_ASCII);
    }


    // ---- bytes

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    private void putAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private static final byte[] SPC_POINT = ascii("spc_point");
    private static final byte[] SPC_LIMITS = ascii("spc_limits");
    private static final byte[] SPC_VIOLATION = ascii("spc_violation");
    private static final byte[] SPC_CAPABILITY = ascii("spc_capability");
    private static final byte[] SPC_DRIFT = ascii("spc_drift");
    private static final byte[] SPC_STATUS = ascii("spc_status");
    private static final byte[] SPC_READINESS = ascii("spc_readiness");

    private static final byte[] CAPABLE = ascii("capable=");
    private static final byte[] CL = ascii("cl=");
    private static final byte[] CP = ascii("cp=");
    private static final byte[] CP_LCL = ascii("cp_lcl=");
    private static final byte[] CPK = ascii("cpk=");
    private static final byte[] CPK_LCL = ascii("cpk_lcl=");
    private static final byte[] CPL = ascii("cpl=");
    private static final byte[] CPM = ascii("cpm=");
    private static final byte[] CPU = ascii("cpu=");
    private static final byte[] CRITERIA = ascii("criteria=");
    private static final byte[] CRITICAL = ascii("critical=");
    private static final byte[] CUSUM_H = ascii("cusum_h=");
    private static final byte[] CUSUM_HI = ascii("cusum_hi=");
    private static final byte[] CUSUM_LO = ascii("cusum_lo=");
    private static final byte[] DIRECTION = ascii("direction=");
    private static final byte[] DISP = ascii("disp=");
    private static final byte[] DISP_CL = ascii("disp_cl=");
    private static final byte[] DISP_LCL = ascii("disp_lcl=");
    private static final byte[] DISP_UCL = ascii("disp_ucl=");
    private static final byte[] EWMA = ascii("ewma=");
    private static final byte[] EWMA_LCL = ascii("ewma_lcl=");
    private static final byte[] EWMA_UCL = ascii("ewma_ucl=");
    private static final byte[] EXCLUDED = ascii("excluded=");
    private static final byte[] GAUGE = ascii("gauge=");
    private static final byte[] LAST_RULE = ascii("last_rule=");
    private static final byte[] LCL = ascii("lcl=");
    private static final byte[] LSL = ascii("lsl=");
    private static final byte[] M = ascii("m=");
    private static final byte[] MEAN = ascii("mean=");
    private static final byte[] MESSAGE = ascii("message=");
    private static final byte[] N = ascii("n=");
    private static final byte[] OOC = ascii("ooc=");
    private static final byte[] OOC_COUNT = ascii("ooc_count=");
    private static final byte[] OPERATOR = ascii("operator=");
    private static final byte[] P_VALUE = ascii("p_value=");
    private static final byte[] PART = ascii("part=");
    private static final byte[] PARTS_TO_LIMIT = ascii("parts_to_limit=");
    private static final byte[] PHASE = ascii("phase=");
    private static final byte[] POINTS = ascii("points=");
    private static final byte[] PP = ascii("pp=");
    private static final byte[] PPK = ascii("ppk=");
    private static final byte[] PPK_LCL = ascii("ppk_lcl=");
    private static final byte[] PPM_EXPECTED = ascii("ppm_expected=");
    private static final byte[] PPM_EXPECTED_WITHIN = ascii("ppm_expected_within=");
    private static final byte[] PPM_OBSERVED = ascii("ppm_observed=");
    private static final byte[] Q = ascii("q=");
    private static final byte[] REASONS = ascii("reasons=");
    private static final byte[] RULES = ascii("rules=");
    private static final byte[] SHIFT = ascii("shift=");
    private static final byte[] SIGMA = ascii("sigma=");
    private static final byte[] SIGMA_OVERALL = ascii("sigma_overall=");
    private static final byte[] SIGMA_WITHIN = ascii("sigma_within=");
    private static final byte[] SLOPE = ascii("slope=");
    private static final byte[] SOURCE = ascii("source=");
    private static final byte[] STABLE = ascii("stable=");
    private static final byte[] STATE = ascii("state=");
    private static final byte[] TARGET = ascii("target=");
    private static final byte[] UCL = ascii("ucl=");
    private static final byte[] USL = ascii("usl=");
    private static final byte[] VERDICT = ascii("verdict=");
    private static final byte[] X = ascii("x=");
}
