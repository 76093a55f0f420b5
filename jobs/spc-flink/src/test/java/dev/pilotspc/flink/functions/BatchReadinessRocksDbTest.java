package dev.pilotspc.flink.functions;

import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;

/** Every {@link BatchReadinessHarnessTest} on the RocksDB state backend (each state read a fresh copy). */
class BatchReadinessRocksDbTest extends BatchReadinessHarnessTest {

    @Override
    StateBackend stateBackend() {
        return new EmbeddedRocksDBStateBackend();
    }
}
