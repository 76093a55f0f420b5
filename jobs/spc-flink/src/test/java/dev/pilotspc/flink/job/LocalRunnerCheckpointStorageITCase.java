package dev.pilotspc.flink.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.flink.cli.RunCommand;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.records.ResultBatch;
import dev.pilotspc.flink.workflow.SpcWorkflow;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./spc run} without {@code --checkpoint-dir}: the charts' state may outgrow the 5 MB a
 * task may keep in the JobManager's memory (about 2000 charts) and still be checkpointed. In the
 * JobManager's memory every such checkpoint fails, and after the tolerable failures the job
 * restarts from the last one that fit, for ever (re-sending the alerts since then each time).
 */
class LocalRunnerCheckpointStorageITCase {

    private static final int CHARTS = 3000;
    /** Charted measurements (one chart each) when the latest completed checkpoint was taken. */
    static final AtomicLong CHARTED_AT_COMPLETED_CHECKPOINT = new AtomicLong(-1);
    static final AtomicLong CHARTED = new AtomicLong();

    @Test
    @Timeout(180)
    void checkpointsChartStateBeyondWhatTheJobManagersMemoryTakes() throws Exception {
        StreamExecutionEnvironment env = RunCommand.environment(RunCommand.options().parse(new String[] {
            "--output", "-", "--checkpoint-interval", "500ms"}));
        assertTrue(env instanceof LocalStreamEnvironment, env.getClass().toString());
        env.setParallelism(1);
        env.enableCheckpointing(500);
        env.getCheckpointConfig().setTolerableCheckpointFailureNumber(1000);
        long t0 = 1_764_000_000_000L;
        GeneratorFunction<Long, MeasurementRecord> generator = i -> {
            MeasurementRecord r = new MeasurementRecord();
            r.feature = "bore";
            r.batch = "B" + i; // a chart of its own, ~2.5 KB of state
            r.tsNanos = (t0 + i) * 1_000_000L;
            r.value = 10.0;
            r.part = "P" + i;
            r.raw = "{}";
            return r;
        };
        var source = new DataGeneratorSource<>(generator, Long.MAX_VALUE, RateLimiterStrategy.perSecond(2000),
                Types.POJO(MeasurementRecord.class));
        var measurements = env.fromSource(source, WatermarkStrategy.<MeasurementRecord>forMonotonousTimestamps()
                .withTimestampAssigner((r, previous) -> r.tsMillis()), "measurements");
        var definitions = env.fromData(Types.POJO(DefinitionUpdate.class), new DefinitionUpdate("none", null))
                .filter(d -> false).returns(Types.POJO(DefinitionUpdate.class));
        SpcWorkflow.Outputs outputs = SpcWorkflow.define(measurements, definitions,
                "features:\n  - feature: bore\n    lsl: 9\n    usl: 11\n", "features.yaml", PublishedDefinitions.NONE, Duration.ofDays(30),
                Duration.ofSeconds(5), new ReadinessPolicy());
        outputs.chartResults().map(new Counter()).sinkTo(new DiscardingSink<>()).name("count");
        JobClient job = env.executeAsync("checkpoint-storage");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (CHARTED_AT_COMPLETED_CHECKPOINT.get() < CHARTS) {
                assertTrue(System.nanoTime() < deadline, "no checkpoint completed with " + CHARTS + " charts (latest: "
                        + CHARTED_AT_COMPLETED_CHECKPOINT.get() + " charts, " + CHARTED.get() + " charted)");
                Thread.sleep(100);
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Counts charted measurements; notes the count of each checkpoint once it completes. */
    static final class Counter extends RichMapFunction<ResultBatch, Integer> implements CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient long charted;
        private transient java.util.Map<Long, Long> atCheckpoint;

        @Override
        public Integer map(ResultBatch value) {
            CHARTED.set(++charted);
            return 1;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            atCheckpoint.put(context.getCheckpointId(), charted);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            atCheckpoint = new java.util.HashMap<>();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            Long count = atCheckpoint.get(checkpointId);
            if (count != null) {
                CHARTED_AT_COMPLETED_CHECKPOINT.accumulateAndGet(count, Math::max);
            }
        }
    }
}
