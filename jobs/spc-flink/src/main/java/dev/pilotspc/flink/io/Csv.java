package dev.pilotspc.flink.io;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 rows: comma-separated cells, double quotes around cells holding commas, quotes or line breaks. */
public final class Csv {

    /** {@link #quoteState} bit: the text ends inside a quoted cell. */
    public static final int INSIDE_QUOTES = 1;
    /** {@link #quoteState} bit: the cell the text ends in has more than whitespace so far. */
    private static final int CELL_HAS_TEXT = 2;

    private Csv() {
    }

    public static String[] split(String row) {
        List<String> cells = new ArrayList<>();
        if ((scan(row, cells, 0) & INSIDE_QUOTES) != 0) {
            throw new IllegalArgumentException("unterminated quoted cell");
        }
        return cells.toArray(new String[0]);
    }

    /**
     * Where a record's text stands after {@code line}, given where it stood before it (0 at a record's
     * start): RFC 4180 lets a quoted cell hold line breaks, so while {@link #INSIDE_QUOTES} is set the
     * record goes on in the next line. Scanning a record line by line this way ends where scanning it
     * whole would.
     */
    public static int quoteState(String line, int before) {
        return before == 0 && line.indexOf('"') < 0 ? 0 : scan(line, null, before);
    }

    /** Splits {@code row} into {@code cells} (if not null), starting in state {@code before}; returns the state after it. */
    private static int scan(String row, List<String> cells, int before) {
        StringBuilder cell = new StringBuilder();
        boolean quoted = (before & INSIDE_QUOTES) != 0;
        boolean wasQuoted = quoted;
        boolean hasText = (before & CELL_HAS_TEXT) != 0; // a quote opens a cell only where it has no text yet
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < row.length() && row.charAt(i + 1) == '"') {
                        cell.append('"');
                        hasText = true;
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                    hasText |= !Character.isWhitespace(c);
                }
            } else if (c == ',') {
                if (cells != null) {
                    cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
                }
                cell.setLength(0);
                wasQuoted = false;
                hasText = false;
            } else if (c == '"' && !hasText) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else {
                cell.append(c);
                hasText |= !Character.isWhitespace(c);
            }
        }
        if (cells != null) {
            cells.add(wasQuoted ? cell.toString() : cell.toString().trim());
        }
        return (quoted ? INSIDE_QUOTES : 0) | (hasText ? CELL_HAS_TEXT : 0);
    }
}
