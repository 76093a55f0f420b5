package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a whole measurements file (CSV with a header row, or JSON lines) for a replay: records that
 * can't be used first, in file order, then the measurements sorted by event time, ties in file order;
 * each chart's last measurement is marked, as the file's end also ends its last subgroup.
 */
public final class MeasurementFiles {

    private MeasurementFiles() {
    }

    public static List<MeasurementRecord> read(Path file, MeasurementParser parser) throws IOException {
        List<MeasurementRecord> rejected = new ArrayList<>();
        List<MeasurementRecord> valid = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            String[] header = null;
            Boolean csv = null;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (csv == null) {
                    csv = isCsv(file, line);
                    if (csv) {
                        header = header(line);
                        continue;
                    }
                }
                MeasurementRecord r = csv ? parser.parseCsv(line, header) : parser.parseJson(line);
                r.seq = lineNumber;
                (r.isValid() ? valid : rejected).add(r);
            }
        }
        valid.sort(Comparator.comparingLong(r -> r.tsNanos)); // List.sort is stable: ties keep file order
        Set<String> charts = new HashSet<>();
        for (int i = valid.size() - 1; i >= 0; i--) {
            MeasurementRecord r = valid.get(i);
            r.lastOfChart = charts.add(r.chartKey());
        }
        rejected.addAll(valid);
        return rejected;
    }

    private static boolean isCsv(Path file, String firstLine) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return true;
        }
        if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return false;
        }
        return !firstLine.stripLeading().startsWith("{");
    }

    private static String[] header(String line) throws IOException {
        String[] names = Csv.split(line.startsWith("\uFEFF") ? line.substring(1) : line);
        List<String> list = List.of(names);
        for (String required : new String[] {"ts", "feature", "value"}) {
            if (!list.contains(required)) {
                throw new IOException("CSV header has no '" + required + "' column (header: " + line + ")");
            }
        }
        return names;
    }

}
