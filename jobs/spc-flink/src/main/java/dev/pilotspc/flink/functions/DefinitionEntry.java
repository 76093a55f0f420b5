package dev.pilotspc.flink.functions;

import dev.pilotspc.core.config.FeatureConfig;

/** A feature's definition in broadcast state; {@code removed} marks a tombstone that hides a file definition too. */
public class DefinitionEntry {

    public FeatureConfig config;
    public boolean removed;

    public DefinitionEntry() {
    }

    public DefinitionEntry(FeatureConfig config, boolean removed) {
        this.config = config;
        this.removed = removed;
    }
}
