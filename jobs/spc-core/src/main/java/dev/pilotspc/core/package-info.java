/** The SPC mathematics of pilot-spc: control charts, run rules, capability and drift, free of Flink. */
package dev.pilotspc.core;
