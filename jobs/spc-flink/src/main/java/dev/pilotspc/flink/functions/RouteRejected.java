package dev.pilotspc.flink.functions;

import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes usable measurements on and sends the records that failed parsing to the dead letters, counted by reason. */
public class RouteRejected extends ProcessFunction<MeasurementRecord, MeasurementRecord> {

    private static final long serialVersionUID = 1L;

    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup().addGroup("spc").addGroup("dead_letters");
        counters = new HashMap<>();
        // every counter exists from the start, at 0: a metrics system sees the first dead letter as a rise
        DeadLetter.PARSE_REASONS.forEach(reason -> counters.put(reason, metrics.counter(reason)));
    }

    @Override
    public void processElement(MeasurementRecord r, Context ctx, Collector<MeasurementRecord> out) {
        if (r.isValid()) {
            out.collect(r);
        } else {
            ctx.output(MonitorFunction.DEAD_LETTERS, r.toDeadLetter(r.rejectReason, r.rejectDetail));
            counters.computeIfAbsent(r.rejectReason, metrics::counter).inc();
        }
    }
}
