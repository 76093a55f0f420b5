package dev.pilotspc.flink.records;

/** A record of the compacted {@code spc.features} topic: a feature's definition text, or null for a tombstone. */
public class DefinitionUpdate {

    public String feature;
    public String text;
    /** The record's key and value bytes where they are not UTF-8 (the texts show U+FFFD), else null. */
    public byte[] featureBytes;
    public byte[] textBytes;

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
