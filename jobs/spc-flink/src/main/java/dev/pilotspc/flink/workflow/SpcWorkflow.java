package dev.pilotspc.flink.workflow;

import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.flink.functions.BatchReadinessFunction;
import dev.pilotspc.flink.functions.MonitorFunction;
import dev.pilotspc.flink.functions.RouteRejected;
import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.records.ResultBatch;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
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
     * What the graph produces; the caller attaches sinks. Each output comes from the charts (one
     * (feature, batch) each) and from the batch verdicts ({@code feature=*}): results as
     * line-protocol bytes with their event time and chart key, and alerts. The charts' results are
     * one reused record over their line-protocol buffer (no copy of ~1.3 KB per measurement): a
     * sink chained to them must write it before returning; the methods below copy where results
     * cross to another task.
     */
    public record Outputs(DataStream<ResultBatch> chartResults, DataStream<ResultBatch> batchResults,
            DataStream<Alert> chartAlerts, DataStream<Alert> batchAlerts, DataStream<DeadLetter> deadLetters) {

        /** Every result in one stream, for a sink that runs with parallelism 1 (a file). */
        public DataStream<ResultBatch> allResults() {
            return compacted(chartResults).union(batchResults);
        }

        /** Every alert in one stream, for a sink that runs with parallelism 1 (a file). */
        public DataStream<Alert> allAlerts() {
            return chartAlerts.union(batchAlerts);
        }

        /**
         * Attaches a line-protocol sink to each result stream as its own task: two sink operators,
         * {@code uid} and {@code uid-batches} (a union in front of one sink would cost another copy
         * of every measurement's text between tasks). For sinks that wait on the network, e.g.
         * InfluxDB's blocking HTTP writes: charting goes on while a write is in flight.
         */
        public void sinkLines(Supplier<Sink<byte[]>> sink, String name, String uid) {
            bytes(chartResults).sinkTo(sink.get()).name(name).uid(uid).disableChaining();
            bytes(batchResults).sinkTo(sink.get()).name(name + "-batches").uid(uid + "-batches").disableChaining();
        }

        /**
         * Attaches a line-protocol sink chained to each result stream (uids as above): it gets the
         * charts' reused record and must write its bytes before returning, e.g. to a local file.
         */
        public void sinkLinesChained(Supplier<Sink<ResultBatch>> sink, String name, String uid) {
            chartResults.sinkTo(sink.get()).name(name).uid(uid);
            batchResults.sinkTo(sink.get()).name(name + "-batches").uid(uid + "-batches");
        }

        /** Attaches an alert sink to each alert stream, chained to it (Kafka producers send asynchronously). */
        public void sinkAlerts(Supplier<Sink<Alert>> sink, String name, String uid) {
            chartAlerts.sinkTo(sink.get()).name(name).uid(uid);
            batchAlerts.sinkTo(sink.get()).name(name + "-batches").uid(uid + "-batches");
        }

        private static DataStream<byte[]> bytes(DataStream<ResultBatch> results) {
            return results.map(ResultBatch::bytes).returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                    .name("line-protocol");
        }

        private static DataStream<ResultBatch> compacted(DataStream<ResultBatch> results) {
            return results.map(ResultBatch::compact).returns(Types.POJO(ResultBatch.class)).name("compact-results");
        }
    }

    private SpcWorkflow() {
    }

    /**
     * @param measurements parsed measurement records with event-time timestamps and watermarks
     * @param definitions feature definitions published while running (compacted topic), may be empty
     * @param definitionsText the features file's contents, or null
     * @param definitionsSource the features file's name, for messages
     * @param published the definitions topic as read when the job was built: they override the file's
     * @param stateTtl idle time after which a (feature, batch) chart is dropped; zero = never
     * @param maxWait the longest measurements and verdicts wait for the watermark (up to twice this);
     *     zero = as long as it takes
     * @param readiness the readiness verdict's policy
     */
    public static Outputs define(DataStream<MeasurementRecord> measurements, DataStream<DefinitionUpdate> definitions,
            String definitionsText, String definitionsSource, PublishedDefinitions published, Duration stateTtl,
            Duration maxWait, ReadinessPolicy readiness) {
        // Every function here emits new objects and keeps only records that crossed a network
        // edge (deserialised copies): chained operators can pass records on without copying them.
        measurements.getExecutionEnvironment().getConfig().enableObjectReuse();
        // every record and state type is a Flink POJO or basic type: a Kryo fallback is a bug
        Configuration noKryo = new Configuration();
        noKryo.set(PipelineOptions.GENERIC_TYPES, false);
        measurements.getExecutionEnvironment().configure(noKryo);
        SingleOutputStreamOperator<MeasurementRecord> valid = measurements
                .process(new RouteRejected())
                .returns(Types.POJO(MeasurementRecord.class))
                .uid("route-rejected").name("route-rejected");
        BroadcastStream<DefinitionUpdate> broadcastDefinitions = definitions.broadcast(MonitorFunction.DEFINITIONS);
        SingleOutputStreamOperator<ResultBatch> charted = valid
                .keyBy(MeasurementRecord::chartKey, Types.STRING)
                .connect(broadcastDefinitions)
                .process(new MonitorFunction(definitionsText, definitionsSource, published, stateTtl, maxWait, readiness))
                .returns(Types.POJO(ResultBatch.class))
                .uid("spc-monitor").name("spc-monitor");
        SingleOutputStreamOperator<ResultBatch> batchVerdicts = charted.getSideOutput(MonitorFunction.VERDICTS)
                .keyBy(v -> v.batch, Types.STRING)
                .process(new BatchReadinessFunction(maxWait, stateTtl, readiness))
                .returns(Types.POJO(ResultBatch.class))
                .uid("batch-readiness").name("batch-readiness");
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(MonitorFunction.DEAD_LETTERS)
                .union(charted.getSideOutput(MonitorFunction.DEAD_LETTERS));
        return new Outputs(charted, batchVerdicts, charted.getSideOutput(MonitorFunction.ALERTS),
                batchVerdicts.getSideOutput(BatchReadinessFunction.ALERTS), deadLetters);
    }
}
