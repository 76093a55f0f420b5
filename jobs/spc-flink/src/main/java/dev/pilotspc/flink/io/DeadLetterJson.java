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
}
