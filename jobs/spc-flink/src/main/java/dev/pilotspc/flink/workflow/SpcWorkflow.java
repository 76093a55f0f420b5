package dev.pilotspc.flink.workflow;

import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.flink.functions.BatchReadinessFunction;
import dev.pilotspc.flink.functions.MonitorFunction;
import dev.pilotspc.flink.functions.RouteRejected;
import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.ResultBatch;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job graph, with sources and sinks passed in: measurements (parsed or rejected) and feature
 * definitions in; line-protocol results, alerts and dead letters out. Streaming runs and replays
 * build exactly this graph.
 */
public final class SpcWorkflow {

    /**
     * What the graph produces; the caller attaches sinks. {@code batches} are the results of each
     * charted measurement with its event time and chart key; {@code results} the same as text.
     */
    public record Outputs(DataStream<ResultBatch> batches, DataStream<String> results, DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters) {
    }

    private SpcWorkflow() {
    }

    /**
     * @param measurements parsed measurement records with event-time timestamps and watermarks
     * @param definitions feature definitions published while running (compacted topic), may be empty
     * @param definitionsText the features file's contents, or null
     * @param definitionsSource the features file's name, for messages
     * @param stateTtl idle time after which a (feature, batch) chart is dropped; zero = never
     * @param maxWait how long measurements wait for a stalled watermark; zero = as long as it takes
     * @param readiness the readiness verdict's policy
     */
    public static Outputs define(DataStream<MeasurementRecord> measurements, DataStream<DefinitionUpdate> definitions,
            String definitionsText, String definitionsSource, Duration stateTtl, Duration maxWait,
            ReadinessPolicy readiness) {
        SingleOutputStreamOperator<MeasurementRecord> valid = measurements
                .process(new RouteRejected())
                .returns(Types.POJO(MeasurementRecord.class))
                .uid("route-rejected").name("route-rejected");
        BroadcastStream<DefinitionUpdate> broadcastDefinitions = definitions.broadcast(MonitorFunction.DEFINITIONS);
        SingleOutputStreamOperator<ResultBatch> charted = valid
                .keyBy(MeasurementRecord::chartKey, Types.STRING)
                .connect(broadcastDefinitions)
                .process(new MonitorFunction(definitionsText, definitionsSource, stateTtl, maxWait, readiness))
                .returns(Types.POJO(ResultBatch.class))
                .uid("spc-monitor").name("spc-monitor");
        SingleOutputStreamOperator<ResultBatch> batchVerdicts = charted.getSideOutput(MonitorFunction.VERDICTS)
                .keyBy(v -> v.batch, Types.STRING)
                .process(new BatchReadinessFunction(maxWait))
                .returns(Types.POJO(ResultBatch.class))
                .uid("batch-readiness").name("batch-readiness");
        DataStream<ResultBatch> batches = charted.union(batchVerdicts);
        DataStream<String> results = batches.map(b -> b.lines).returns(Types.STRING).name("line-protocol");
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(MonitorFunction.DEAD_LETTERS)
                .union(charted.getSideOutput(MonitorFunction.DEAD_LETTERS));
        DataStream<Alert> alerts = charted.getSideOutput(MonitorFunction.ALERTS)
                .union(batchVerdicts.getSideOutput(BatchReadinessFunction.ALERTS));
        return new Outputs(batches, results, alerts, deadLetters);
    }
}
