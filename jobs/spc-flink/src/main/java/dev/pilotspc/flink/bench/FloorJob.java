package dev.pilotspc.flink.bench;

import dev.pilotspc.flink.records.MeasurementRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Flink floor of {@code ./spc bench pipeline}: the least a Flink job can do with each
 * measurement (parse, key by feature, one keyed state update, one line-protocol line), so the real
 * job's throughput can be judged against the framework's ceiling on the same machine.
 */
final class FloorJob {

    private FloorJob() {
    }

    static DataStream<byte[]> define(DataStream<MeasurementRecord> measurements) {
        return measurements
                .keyBy(r -> r.feature, Types.STRING)
                .process(new CountPerFeature())
                .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .uid("floor-count").name("floor-count");
    }

    /** Per-feature count in keyed POJO state and one output line per measurement. */
    static final class CountPerFeature extends KeyedProcessFunction<String, MeasurementRecord, byte[]> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Counter> state;
        private transient StringBuilder sb;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.POJO(Counter.class)));
            sb = new StringBuilder(128);
        }

        @Override
        public void processElement(MeasurementRecord r, Context ctx, Collector<byte[]> out) throws Exception {
            if (!r.isValid()) {
                return;
            }
            Counter c = state.value();
            if (c == null) {
                c = new Counter();
            }
            c.n++;
            c.last = r.value;
            state.update(c);
            sb.setLength(0);
            sb.append("spc_point,batch=").append(r.batch).append(",feature=").append(r.feature)
                    .append(" n=").append(c.n).append("i,x=").append(r.value).append(' ').append(r.tsNanos).append('\n');
            out.collect(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Keyed state of the floor job. */
    public static class Counter {
        public long n;
        public double last;

        public Counter() {
        }
    }
}
