package dev.pilotspc.flink.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads InfluxDB line protocol (as pilot-spc writes it) back into measurement, tags, fields and time. */
public final class LineProtocolReader {

    /** One line: fields are Double, Long, Boolean or String. */
    public record Line(String measurement, Map<String, String> tags, Map<String, Object> fields, long tsNanos) {
        public double number(String field) {
            Object v = fields.get(field);
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        public String text(String field) {
            Object v = fields.get(field);
            return v == null ? null : v.toString();
        }
    }

    private LineProtocolReader() {
    }

    public static List<Line> read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        read(file, lines::add);
        return lines;
    }

    /** Each line of {@code file} in turn, none kept: for files larger than memory would hold as lines. */
    public static void read(Path file, Consumer<Line> each) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int number = 0;
            while ((text = in.readLine()) != null) {
                number++;
                if (text.isBlank() || text.startsWith("#")) {
                    continue;
                }
                Line line;
                try {
                    line = parse(text);
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + number + ": not line protocol (the results of ./spc replay or run)");
                }
                each.accept(line);
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (the results of ./spc replay or run are)");
        }
    }

    static Line parse(String text) {
        int[] pos = {0};
        String head = until(text, pos, ' ');
        String[] parts = splitUnescaped(head, ',');
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = splitUnescaped(parts[i], '=');
            tags.put(unescape(kv[0]), unescape(kv[1]));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        while (pos[0] < text.length() && text.charAt(pos[0]) != ' ') {
            String key = unescape(until(text, pos, '='));
            Object value;
            if (text.charAt(pos[0]) == '"') {
                StringBuilder sb = new StringBuilder();
                pos[0]++;
                while (text.charAt(pos[0]) != '"') {
                    char c = text.charAt(pos[0]++);
                    if (c == '\\') {
                        char next = text.charAt(pos[0]++);
                        sb.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next == 't' ? '\t' : next);
                    } else {
                        sb.append(c);
                    }
                }
                pos[0]++;
                value = sb.toString();
            } else {
                int start = pos[0];
                while (pos[0] < text.length() && text.charAt(pos[0]) != ',' && text.charAt(pos[0]) != ' ') {
                    pos[0]++;
                }
                String raw = text.substring(start, pos[0]);
                value = raw.endsWith("i") ? (Object) Long.parseLong(raw.substring(0, raw.length() - 1))
                        : raw.equals("true") || raw.equals("false") ? (Object) Boolean.valueOf(raw)
                        : (Object) Double.parseDouble(raw);
            }
            fields.put(key, value);
            if (pos[0] < text.length() && text.charAt(pos[0]) == ',') {
                pos[0]++;
            }
        }
        long ts = Long.parseLong(text.substring(pos[0]).trim());
        return new Line(unescape(parts[0]), tags, fields, ts);
    }

    private static String until(String s, int[] pos, char stop) {
        int start = pos[0];
        while (s.charAt(pos[0]) != stop) {
            if (s.charAt(pos[0]) == '\\') {
                pos[0]++;
            }
            pos[0]++;
        }
        String out = s.substring(start, pos[0]);
        pos[0]++;
        return out;
    }

    private static String[] splitUnescaped(String s, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                i++;
            } else if (s.charAt(i) == separator) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.toArray(new String[0]);
    }

    private static String unescape(String s) {
        return s.replace("\\ ", " ").replace("\\,", ",").replace("\\=", "=");
    }
}
