package dev.pilotspc.flink.records;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The definitions topic as read when the job was built: the latest valid definition or tombstone
 * per feature (text, null = removed), and the end offset of each partition that read reached. The
 * job's own read of the topic meets those records again; they change nothing then.
 */
public record PublishedDefinitions(HashMap<String, String> definitions, HashMap<Integer, Long> endOffsets)
        implements Serializable {

    /** Nothing read when the job was built. */
    public static final PublishedDefinitions NONE = new PublishedDefinitions(new HashMap<>(), new HashMap<>());

    public PublishedDefinitions(Map<String, String> definitions, Map<Integer, Long> endOffsets) {
        this(new HashMap<>(definitions), new HashMap<>(endOffsets));
    }

    /**
     * Whether the build-time read already took this record into account: it lies before that read's
     * end, and its feature is among the definitions read (a record of a topic recreated since is not).
     */
    public boolean covers(DefinitionUpdate update) {
        Long end = endOffsets.get(update.partition);
        return end != null && update.offset >= 0 && update.offset < end && definitions.containsKey(update.feature);
    }
}
