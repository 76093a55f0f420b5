/** Drift detectors kept per chart as Flink POJO state: a windowed slope t-test and Page-Hinkley. */
package dev.pilotspc.core.drift;
