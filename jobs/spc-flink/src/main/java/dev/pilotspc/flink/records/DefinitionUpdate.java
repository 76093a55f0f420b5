package dev.pilotspc.flink.records;

import dev.pilotspc.core.config.DefinitionException;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.FeatureDefinitions;

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

    /** The definition this record carries, null for a tombstone; throws with the reason the job can't use it. */
    public FeatureConfig definition() throws DefinitionException {
        if (feature == null) {
            throw new DefinitionException("definition record without a key");
        }
        if (featureBytes != null || textBytes != null) {
            throw new DefinitionException("key or value not valid UTF-8 (the bad bytes show as U+FFFD)");
        }
        if (text == null) {
            return null;
        }
        FeatureConfig config = FeatureDefinitions.parseOne(text, "spc.features[" + feature + "]");
        if (!feature.equals(config.feature)) {
            throw new DefinitionException("record key '" + feature + "' differs from feature '" + config.feature + "'");
        }
        return config;
    }
}
