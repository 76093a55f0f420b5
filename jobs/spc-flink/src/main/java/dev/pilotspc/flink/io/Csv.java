package dev.pilotspc.flink.io;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 rows: comma-separated cells, double quotes around cells holding commas or quotes. */
public final class Csv {

    private Csv() {
    }

    public static String[] split(String row) {
        List<String> cells = new ArrayList<>();
        if (scan(row, cells, false)) {
            throw new IllegalArgumentException("unterminated quoted cell");
        }
        return cells.toArray(new String[0]);
    }

    /**
     * Whether a record's text ends inside a quoted cell, given this line of it and whether it began
     * inside one: RFC 4180 lets a quoted cell hold line breaks, so the record goes on in the next line.
     */
    public static boolean endsInsideQuotes(String line, boolean startsInside) {
        return (startsInside || line.indexOf('"') >= 0) && scan(line, null, startsInside);
    }

    /** Splits {@code row} into {@code cells} (if not null); returns whether it ended inside quotes. */
    private static boolean scan(String row, List<String> cells, boolean startsInside) {
        StringBuilder cell = new StringBuilder();
        boolean quoted = startsInside;
        boolean wasQuoted = startsInside;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < row.length() && row.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == ',') {
                if (cells != null) {
                    cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
                }
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '"' && cell.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (cells != null) {
            cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
        }
        return quoted;
    }
}
