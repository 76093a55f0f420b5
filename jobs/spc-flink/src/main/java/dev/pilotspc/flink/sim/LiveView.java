package dev.pilotspc.flink.sim;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's terminal view: follows the results file as the job flushes it and keeps, per feature,
 * the latest state, point, capability and alarm counts; renders them as one table.
 */
final class LiveView {

    private static final Pattern FEATURE = Pattern.compile(",feature=([^, ]+)");

    /** What the table shows of one feature. */
    static final class Row {
        long points;
        String state = "waiting";
        double x = Double.NaN;
        double ucl = Double.NaN;
        double lcl = Double.NaN;
        double cpk = Double.NaN;
        double ppk = Double.NaN;
        double ppkLcl = Double.NaN;
        int violations;
        int drifts;
        String lastAlarm = "";
        String verdict = "-";
        /** Part numbers of the violations and drift alarms, for the detection summary. */
        final java.util.List<Integer> alarmParts = new java.util.ArrayList<>();
        /** The same without dispersion-chart signals (D1), which say nothing about the mean. */
        final java.util.List<Integer> meanAlarmParts = new java.util.ArrayList<>();
    }

    private final Path file;
    private long offset;
    private final StringBuilder partial = new StringBuilder();
    final Map<String, Row> rows = new LinkedHashMap<>();

    LiveView(Path file, Iterable<String> features) {
        this.file = file;
        features.forEach(f -> rows.put(f, new Row()));
    }

    /** Reads what the job has written since the last call. */
    void poll() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            offset = length;
            partial.append(new String(bytes, StandardCharsets.UTF_8));
        }
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            accept(partial.substring(0, end));
            partial.delete(0, end + 1);
        }
    }

    /** The batch verdict (feature {@code *}) and its reasons. */
    String batchVerdict = "-";
    String batchReasons = "";

    private void accept(String line) {
        Matcher m = FEATURE.matcher(line);
        if (!m.find()) {
            return;
        }
        if (line.startsWith("spc_readiness,") && m.group(1).equals("*")) {
            batchVerdict = text(line, "verdict");
            batchReasons = text(line, "reasons");
            return;
        }
        Row row = rows.computeIfAbsent(m.group(1).replace("\\", ""), k -> new Row());
        if (line.startsWith("spc_status,")) {
            row.state = text(line, "state");
            row.points = (long) number(line, "points");
        } else if (line.startsWith("spc_point,")) {
            row.x = number(line, "x");
            row.ucl = number(line, "ucl");
            row.lcl = number(line, "lcl");
        } else if (line.startsWith("spc_readiness,")) {
            row.verdict = text(line, "verdict");
        } else if (line.startsWith("spc_capability,")) {
            row.cpk = number(line, "cpk");
            row.ppk = number(line, "ppk");
            row.ppkLcl = number(line, "ppk_lcl");
        } else if (line.startsWith("spc_violation,") || line.startsWith("spc_drift,")) {
            boolean drift = line.startsWith("spc_drift,");
            if (drift) {
                row.drifts++;
            } else {
                row.violations++;
            }
            String what = drift ? "drift " + text(line, "direction") : line.replaceAll(".*,rule=([^, ]+).*", "$1");
            String part = text(line, "part");
            row.lastAlarm = what + (part.isEmpty() ? "" : " @" + part);
            int number = partNumber(part);
            if (number > 0) {
                row.alarmParts.add(number);
                if (!what.equals("D1")) {
                    row.meanAlarmParts.add(number);
                }
            }
        }
    }

    static int partNumber(String part) {
        String digits = part.replaceAll("\\D", "");
        return digits.isEmpty() ? -1 : Integer.parseInt(digits);
    }

    /** The first alarm of a feature at or after a part (of the mean only, if asked), or -1. */
    int firstAlarmFrom(String feature, int part, boolean meanOnly) {
        Row row = rows.get(feature);
        if (row == null) {
            return -1;
        }
        return (meanOnly ? row.meanAlarmParts : row.alarmParts).stream().filter(p -> p >= part).min(Integer::compare)
                .orElse(-1);
    }

    String render(String title, int sent, int total) {
        StringBuilder sb = new StringBuilder();
        int width = 30;
        int done = total == 0 ? width : (int) ((long) sent * width / total);
        sb.append(title).append('\n');
        sb.append(String.format(Locale.ROOT, "parts sent [%s%s] %d/%d%n%n", "#".repeat(done), ".".repeat(width - done),
                sent, total));
        sb.append(String.format(Locale.ROOT, "%-24s %6s %-15s %11s %-23s %6s %6s %8s %5s %5s %-17s  %s%n", "feature",
                "points", "state", "last x", "LCL .. UCL", "Cpk", "Ppk", "Ppk 95%lb", "viol", "drift", "verdict",
                "last alarm"));
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-24s %6d %-15s %11s %-23s %6s %6s %8s %5d %5d %-17s  %s%n",
                    e.getKey(), r.points, r.state, fmt(r.x), Double.isNaN(r.ucl) ? "(baseline)" : fmt(r.lcl) + " .. " + fmt(r.ucl),
                    fmt2(r.cpk), fmt2(r.ppk), fmt2(r.ppkLcl), r.violations, r.drifts, r.verdict, r.lastAlarm));
        }
        sb.append(String.format(Locale.ROOT, "%nbatch verdict: %s%s%n", batchVerdict,
                batchReasons.isEmpty() ? "" : " (" + batchReasons + ")"));
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.5g", v);
    }

    private static String fmt2(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static double number(String line, String field) {
        Matcher m = Pattern.compile("[ ,]" + field + "=([-0-9.eE]+)[,i ]").matcher(line);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String text(String line, String field) {
        Matcher m = Pattern.compile("[ ,]" + field + "=\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : "";
    }
}
