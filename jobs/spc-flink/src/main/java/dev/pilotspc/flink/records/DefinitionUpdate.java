package dev.pilotspc.flink.records;

/** A record of the compacted {@code spc.features} topic: a feature's definition text, or null for a tombstone. */
public class DefinitionUpdate {

    public String feature;
    public String text;
    /** The record's key and value bytes where they are not UTF-8 (the texts show U+FFFD), else null. */
    public byte[] featureBytes;
    public byte[] textBytes;
    /** Where the record lies on the topic (-1 where it came from elsewhere). */
    public int partition = -1;
    public long offset = -1;

    public DefinitionUpdate() {
    }

    public DefinitionUpdate(String feature, String text) {
        this.feature = feature;
        this.text = text;
    }

    public boolean isTombstone() {
        return text == null;
    }
}
