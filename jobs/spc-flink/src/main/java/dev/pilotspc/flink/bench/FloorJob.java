package dev.pilotspc.flink.bench;

import dev.pilotspc.core.result.CapabilityResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.ResultBatch;
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

    /**
     * The floor plus the job's output: per measurement the contract's four result lines ({@code
     * spc_point}, {@code spc_capability}, {@code spc_status}, {@code spc_readiness}, ~1.1 KB) written
     * by the job's own {@link LineProtocol} into the chained sink, but no charting: the values are
     * running sums and quotients of them (the fields of the job's lines; no readiness reasons), no rules,
     * confidence bounds, drift, event-time ordering, deduplication or alerts. What the output alone
     * costs next to the floor tells how much of the floor's throughput any job writing the
     * contract's results can keep.
     */
    static DataStream<ResultBatch> defineWithResults(DataStream<MeasurementRecord> measurements) {
        measurements.getExecutionEnvironment().getConfig().enableObjectReuse(); // the sink writes the reused batch, as the job's
        return measurements
                .keyBy(r -> r.feature, Types.STRING)
                .process(new ResultsPerFeature())
                .returns(Types.POJO(ResultBatch.class))
                .uid("floor-results").name("floor-results");
    }

    /** Per-feature running sums in keyed POJO state and the four result lines of a charted point per measurement. */
    static final class ResultsPerFeature extends KeyedProcessFunction<String, MeasurementRecord, ResultBatch> {
        private static final long serialVersionUID = 1L;
        private static final double MEAN = 10;
        private static final double SIGMA = 0.02;
        private static final double LSL = 9.9;
        private static final double USL = 10.1;
        private transient ValueState<Sums> state;
        private transient LineProtocol lineProtocol;
        private transient ResultBatch output;

        @Override
        public void open(OpenContext openContext) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("sums", Types.POJO(Sums.class)));
            lineProtocol = new LineProtocol();
            output = new ResultBatch();
        }

        @Override
        public void processElement(MeasurementRecord r, Context ctx, Collector<ResultBatch> out) throws Exception {
            if (!r.isValid()) {
                return;
            }
            Sums s = state.value();
            if (s == null) {
                s = new Sums();
                s.ewma = MEAN;
            }
            double x = r.value;
            double movingRange = s.n > 0 ? Math.abs(x - s.last) : Double.NaN;
            if (s.n > 0) {
                s.movingRanges += movingRange;
            }
            s.n++;
            s.sum += x;
            s.squares += x * x;
            s.last = x;
            s.ewma = 0.8 * s.ewma + 0.2 * x;
            s.cusumHi = Math.max(0, s.cusumHi + x - MEAN - SIGMA / 2);
            s.cusumLo = Math.max(0, s.cusumLo + MEAN - SIGMA / 2 - x);
            state.update(s);
            Tags tags = new Tags(r.feature, r.batch, r.line, r.station);
            double mean = s.sum / s.n;
            double within = s.n > 1 ? s.movingRanges / (s.n - 1) / 1.128 : Double.NaN;
            double overall = s.n > 1 ? Math.sqrt(Math.max(0, (s.squares - s.n * mean * mean) / (s.n - 1))) : Double.NaN;
            double toUpper = USL - mean;
            double toLower = mean - LSL;
            lineProtocol.reset();
            lineProtocol.write(new PointResult(r.tsNanos, tags, "imr", x, s.n, "monitor", MEAN, MEAN + 3 * SIGMA,
                    MEAN - 3 * SIGMA, movingRange, 1.128 * SIGMA, 3.686 * SIGMA, 0, SIGMA, false, "", r.part, r.gauge,
                    r.operator, MEAN, LSL, USL, s.ewma, MEAN + 0.9874 * SIGMA, MEAN - 0.9874 * SIGMA, s.cusumHi,
                    s.cusumLo, 5 * SIGMA, Double.NaN));
            lineProtocol.write(new CapabilityResult(r.tsNanos, tags, s.n, mean, within, overall, (USL - LSL) / (6 * within),
                    Math.min(toUpper, toLower) / (3 * within), toUpper / (3 * within), toLower / (3 * within),
                    (USL - LSL) / (6 * overall), Math.min(toUpper, toLower) / (3 * overall),
                    (USL - LSL) / (6 * Math.hypot(within, mean - MEAN)), 0.9 * (USL - LSL) / (6 * within),
                    0.9 * Math.min(toUpper, toLower) / (3 * within), 0.9 * Math.min(toUpper, toLower) / (3 * overall),
                    1e6 * overall / toUpper, 0, 1e6 * within / toUpper));
            lineProtocol.write(new StatusResult(r.tsNanos, tags, "in_control", 0, s.n, ""));
            lineProtocol.write(new ReadinessResult(r.tsNanos, tags, "ready", true, true, "", true, null));
            output.tsNanos = r.tsNanos;
            output.chartKey = ctx.getCurrentKey();
            output.lines = lineProtocol.buffer();
            output.length = lineProtocol.size();
            out.collect(output);
        }
    }

    /** Keyed state of the floor with results. */
    public static class Sums {
        public long n;
        public double sum;
        public double squares;
        public double movingRanges;
        public double last;
        public double ewma;
        public double cusumHi;
        public double cusumLo;

        public Sums() {
        }
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
