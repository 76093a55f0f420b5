package dev.pilotspc.core.drift;

/**
 * A Page-Hinkley mean-change alarm (Page 1954; Hinkley 1971).
 *
 * @param direction {@code DriftResult.UP} or {@code DriftResult.DOWN}
 * @param shift     estimated mean change in data units: mean since the estimated change point
 *                  minus mean before it
 */
public record PageHinkleyAlarm(String direction, double shift) {
}
