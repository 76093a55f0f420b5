package dev.pilotspc.flink.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;

/**
 * Every {@link MonitorFunctionTest} on the RocksDB state backend, where each state read is a fresh
 * copy: a chart changed in memory but not written back (which the heap backend forgives, as it
 * hands out the stored object itself) loses the change here. TTL, timers and restores included.
 */
class MonitorFunctionRocksDbTest extends MonitorFunctionTest {

    @Override
    StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }

    @Test
    void theChartsLiveInRocksDb() throws Exception {
        open(null);
        assertEquals("RocksDBKeyedStateBackend", harness.getOperator().getKeyedStateBackend().getClass().getSimpleName());
    }
}
