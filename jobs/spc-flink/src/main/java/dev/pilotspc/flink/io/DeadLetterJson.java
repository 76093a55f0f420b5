package dev.pilotspc.flink.io;

import dev.pilotspc.flink.records.DeadLetter;

/** A dead letter as one JSON line for files: {@code {"reason", "detail", "record"}} with the original text. */
public final class DeadLetterJson {

    private DeadLetterJson() {
    }

    public static String toJson(DeadLetter d) {
        AlertJson.Json g = new AlertJson.Json();
        g.string("reason", d.reason);
        g.string("detail", d.detail);
        g.string("record", d.record);
        if (d.key != null) {
            g.string("key", d.key);
        }
        return g.end();
    }

    private static final String REASON_START = "{\"reason\":\"";

    /** The reason of a line {@link #toJson} wrote (its first field, a plain word), or null for another line. */
    public static String reason(String line) {
        int end = line.indexOf('"', REASON_START.length());
        return line.startsWith(REASON_START) && end > 0 ? line.substring(REASON_START.length(), end) : null;
    }
}
