package dev.pilotspc.flink.functions;

import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** State and records go through Flink's POJO serializer, never Kryo (fast, and schema evolution works). */
class StateSerializationTest {

    @ParameterizedTest
    @ValueSource(classes = {KeyState.class, DefinitionEntry.class, MeasurementRecord.class, DeadLetter.class,
        Alert.class, DefinitionUpdate.class, dev.pilotspc.flink.records.ResultBatch.class,
        dev.pilotspc.flink.records.FeatureVerdict.class, dev.pilotspc.flink.records.BatchTally.class})
    void isSerializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }
}
