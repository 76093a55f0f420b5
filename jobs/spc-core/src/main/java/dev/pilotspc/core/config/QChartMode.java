package dev.pilotspc.core.config;

/** When the self-starting Quesenberry Q chart runs: never, only until limits exist, or always. */
public enum QChartMode {
    OFF,
    BASELINE,
    ALWAYS
}
