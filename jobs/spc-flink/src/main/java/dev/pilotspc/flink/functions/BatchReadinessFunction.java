package dev.pilotspc.flink.functions;

import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.Tags;
import dev.pilotspc.flink.io.AlertJson;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.BatchTally;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.ResultBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The batch verdict ({@code spc_readiness} with feature {@code *}), keyed by batch: ready only when
 * every critical feature is; recomputed whenever a feature's verdict, stability or capability
 * changes, from a {@link BatchTally} kept per change (not a walk over all features). Verdicts from
 * different charts arrive in no fixed order, so they wait for the watermark and are applied in
 * event-time order (ties by feature): the batch series is the same in every run.
 */
public class BatchReadinessFunction extends KeyedProcessFunction<String, FeatureVerdict, ResultBatch> {

    private static final long serialVersionUID = 1L;

    public static final String BATCH_FEATURE = FeatureDefinitions.BATCH_VERDICT_FEATURE;
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("batch-alerts", Types.POJO(Alert.class));

    private final long maxWaitMillis;
    private final long stateTtlMillis;
    /** The readiness options in words, on every batch verdict line. */
    private final String criteria;

    private transient MapState<String, FeatureVerdict> verdicts;
    private transient ValueState<BatchTally> tally;
    private transient ValueState<String> lastVerdict;
    /** The time of the batch's latest line: its series never goes back in time. */
    private transient ValueState<Long> lastLineTs;
    private transient MapState<Long, FeatureVerdict[]> pending;
    /** The stall timer (processing time) and the watermark when it was set; absent while none is set. */
    private transient ValueState<Long> stallTimerAt;
    private transient ValueState<Long> watermarkAtStallTimer;
    /** The latest verdict time (ms) waiting when the stall timer was set: applied when it fires. */
    private transient ValueState<Long> stallUpTo;
    /** When the batch was last heard of and when its idle check is due (processing time). */
    private transient ValueState<Long> lastActive;
    private transient ValueState<Long> idleCheckAt;

    /**
     * @param maxWait the longest a verdict waits for the watermark (up to twice this): then it is
     *     applied with the earlier ones; zero = as long as it takes
     * @param stateTtl the charts' state TTL: a batch heard nothing of for twice as long is forgotten; zero = never
     * @param readiness the charts' readiness policy, stated on the verdict lines
     */
    public BatchReadinessFunction(Duration maxWait, Duration stateTtl, ReadinessPolicy readiness) {
        this.maxWaitMillis = maxWait.toMillis();
        this.stateTtlMillis = stateTtl.toMillis();
        this.criteria = readiness.describe();
    }

    @Override
    public void open(OpenContext openContext) {
        verdicts = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("feature-verdicts", Types.STRING, Types.POJO(FeatureVerdict.class)));
        tally = getRuntimeContext().getState(new ValueStateDescriptor<>("batch-tally", Types.POJO(BatchTally.class)));
        lastVerdict = getRuntimeContext().getState(new ValueStateDescriptor<>("batch-verdict", Types.STRING));
        lastLineTs = getRuntimeContext().getState(new ValueStateDescriptor<>("batch-verdict-time", Types.LONG));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-verdicts", Types.LONG,
                Types.OBJECT_ARRAY(Types.POJO(FeatureVerdict.class))));
        stallTimerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("stall-timer", Types.LONG));
        watermarkAtStallTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("stall-watermark", Types.LONG));
        stallUpTo = getRuntimeContext().getState(new ValueStateDescriptor<>("stall-up-to", Types.LONG));
        lastActive = getRuntimeContext().getState(new ValueStateDescriptor<>("last-active", Types.LONG));
        idleCheckAt = getRuntimeContext().getState(new ValueStateDescriptor<>("idle-check", Types.LONG));
    }

    @Override
    public void processElement(FeatureVerdict v, Context ctx, Collector<ResultBatch> out) throws Exception {
        long ms = Math.floorDiv(v.tsNanos, 1_000_000L);
        FeatureVerdict[] waiting = pending.get(ms);
        FeatureVerdict[] more = waiting == null ? new FeatureVerdict[1] : Arrays.copyOf(waiting, waiting.length + 1);
        more[more.length - 1] = v;
        pending.put(ms, more);
        ctx.timerService().registerEventTimeTimer(ms);
        if (maxWaitMillis > 0 && stallTimerAt.value() == null) {
            armStallTimer(ctx);
        }
        if (stateTtlMillis > 0) {
            long now = ctx.timerService().currentProcessingTime();
            lastActive.update(now);
            if (idleCheckAt.value() == null) {
                scheduleIdleCheck(ctx, now + idleMillis());
            }
        }
    }

    // As the charts do: verdicts wait for the watermark at most maxWait, then those waiting when the
    // timer was set are applied (with all that waits if the watermark stopped moving: the
    // measurements paused, e.g. at the end of a batch).
    private void armStallTimer(Context ctx) throws Exception {
        long at = ctx.timerService().currentProcessingTime() + maxWaitMillis;
        stallTimerAt.update(at);
        watermarkAtStallTimer.update(ctx.timerService().currentWatermark());
        long latest = Long.MIN_VALUE;
        for (Long ms : pending.keys()) {
            latest = Math.max(latest, ms);
        }
        stallUpTo.update(latest);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    /**
     * A living chart is silent for less than 1.5 TTL (it resends after half a TTL, but only when it
     * charts a point, and it lives a TTL after its last): twice the TTL without a word means every
     * chart of the batch is gone.
     */
    private long idleMillis() {
        return 2 * stateTtlMillis;
    }

    private void scheduleIdleCheck(Context ctx, long at) throws Exception {
        idleCheckAt.update(at);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResultBatch> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            onProcessingTimer(timestamp, ctx, out);
            return;
        }
        FeatureVerdict[] waiting = pending.get(timestamp);
        if (waiting == null) {
            return;
        }
        pending.remove(timestamp);
        List<FeatureVerdict> due = new ArrayList<>(List.of(waiting));
        applyInOrder(due, ctx, out);
    }

    private void onProcessingTimer(long timestamp, OnTimerContext ctx, Collector<ResultBatch> out) throws Exception {
        Long idleAt = idleCheckAt.value();
        if (idleAt != null && idleAt == timestamp) {
            idleCheckAt.clear();
            Long active = lastActive.value();
            if (stateTtlMillis > 0 && active != null) { // no TTL (any more): keep the batch
                long idleUntil = active + idleMillis();
                if (idleUntil > timestamp) {
                    scheduleIdleCheck(ctx, idleUntil);
                } else {
                    forget(ctx, out);
                    return;
                }
            }
            // the stall timer may be due at the same millisecond (one timer then): go on
        }
        Long stallAt = stallTimerAt.value();
        if (stallAt == null || stallAt != timestamp) {
            // a timer of an earlier version (one per verdict) or a replaced one: only make sure one is set
            if (stallAt == null && maxWaitMillis > 0 && !pending.isEmpty()) {
                armStallTimer(ctx);
            }
            return;
        }
        stallTimerAt.clear();
        if (pending.isEmpty()) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (watermark < watermarkAtStallTimer.value()) {
            // event time went back, as after a restore: give the sources time to replay
            armStallTimer(ctx);
            return;
        }
        if (watermark == watermarkAtStallTimer.value()) {
            applyInOrder(drainPending(), ctx, out);
            return;
        }
        // event time moves but lags (a source's clock behind): apply what has waited maxWait
        Long upTo = stallUpTo.value();
        List<FeatureVerdict> due = new ArrayList<>();
        List<Long> applied = new ArrayList<>();
        for (Map.Entry<Long, FeatureVerdict[]> waiting : pending.entries()) {
            if (upTo != null && waiting.getKey() <= upTo) {
                applied.add(waiting.getKey());
                due.addAll(List.of(waiting.getValue()));
            }
        }
        for (Long ms : applied) {
            pending.remove(ms);
        }
        applyInOrder(due, ctx, out);
        if (!pending.isEmpty()) {
            armStallTimer(ctx);
        }
    }

    private List<FeatureVerdict> drainPending() throws Exception {
        List<FeatureVerdict> due = new ArrayList<>();
        for (FeatureVerdict[] waiting : pending.values()) {
            due.addAll(List.of(waiting));
        }
        pending.clear();
        return due;
    }

    /** A batch idle for the state TTL: what still waits is applied, then its state goes. */
    private void forget(OnTimerContext ctx, Collector<ResultBatch> out) throws Exception {
        applyInOrder(drainPending(), ctx, out);
        verdicts.clear();
        tally.clear();
        lastVerdict.clear();
        lastLineTs.clear();
        lastActive.clear();
        stallTimerAt.clear();
        watermarkAtStallTimer.clear();
        stallUpTo.clear();
    }

    private void applyInOrder(List<FeatureVerdict> due, Context ctx, Collector<ResultBatch> out) throws Exception {
        due.sort(Comparator.<FeatureVerdict>comparingLong(v -> v.tsNanos).thenComparing(v -> v.feature));
        for (FeatureVerdict v : due) {
            apply(v, ctx, out);
        }
    }

    private void apply(FeatureVerdict v, Context ctx, Collector<ResultBatch> out) throws Exception {
        BatchTally t = tally.value();
        if (t == null) {
            // a new batch, or state from a version without the tally: count what there is, once
            t = tally(verdicts.values());
        }
        FeatureVerdict previousOfFeature = verdicts.get(v.feature);
        if (previousOfFeature != null && sameVerdict(previousOfFeature, v)) {
            return; // a chart telling it lives (its verdict resent while unchanged): nothing to recompute
        }
        if (previousOfFeature != null) {
            t.remove(previousOfFeature);
        }
        t.add(v);
        verdicts.put(v.feature, v);
        tally.update(t);
        // A verdict may come after later ones of other features (a subgroup closed by a later
        // measurement keeps its last measurement's time): its line takes the batch's latest time,
        // so the series never reads a verdict before the verdicts it counts.
        Long previousTs = lastLineTs.value();
        long ts = previousTs == null ? v.tsNanos : Math.max(previousTs, v.tsNanos);
        lastLineTs.update(ts);
        ReadinessResult result = verdict(ts, v.batch, t, criteria);
        String chartKey = MeasurementRecord.chartKey(BATCH_FEATURE, v.batch);
        out.collect(new ResultBatch(ts, chartKey, LineProtocol.toBytes(result)));
        String previous = lastVerdict.value();
        if (!result.verdict().equals(previous)) {
            lastVerdict.update(result.verdict());
            ctx.output(ALERTS, new Alert(result.tsNanos(), chartKey, BATCH_FEATURE,
                    AlertJson.verdictChange(result, previous)));
        }
    }

    private static boolean sameVerdict(FeatureVerdict a, FeatureVerdict b) {
        return a.verdict.equals(b.verdict) && a.critical == b.critical && a.stable == b.stable && a.capable == b.capable;
    }

    /**
     * Ready when every critical feature is; insufficient data while any critical one is. The reasons
     * name the features (their own series say why, up to date; a feature's reasons at its last
     * verdict change would go stale here), the first {@value #LISTED_FEATURES} by name and how many
     * more: the text stays short when a batch has hundreds of features.
     */
    static ReadinessResult verdict(long ts, String batch, BatchTally t, String criteria) {
        List<String> reasons = new ArrayList<>();
        if (t.critical == 0) {
            reasons.add("no critical feature measured yet");
        }
        if (t.notReady.length > 0) {
            reasons.add("not ready: " + listing(t.notReady));
        }
        if (t.insufficient.length > 0) {
            reasons.add("insufficient data: " + listing(t.insufficient));
        }
        String verdict = t.critical == 0 || t.insufficient.length > 0 ? ReadinessResult.INSUFFICIENT_DATA
                : t.notReady.length > 0 ? ReadinessResult.NOT_READY : ReadinessResult.READY;
        if (verdict.equals(ReadinessResult.READY)) {
            reasons.add("all " + t.critical + " critical features ready");
        }
        boolean decided = t.critical > 0 && t.insufficient.length == 0;
        return new ReadinessResult(ts, new Tags(BATCH_FEATURE, batch, null, null), verdict, decided && t.unstable == 0,
                decided && t.incapable == 0, String.join("; ", reasons), null, criteria);
    }

    /** The verdict over these features' latest verdicts (one per feature). */
    static ReadinessResult verdict(long ts, String batch, Iterable<FeatureVerdict> features) {
        return verdict(ts, batch, tally(features), null);
    }

    private static BatchTally tally(Iterable<FeatureVerdict> features) {
        BatchTally t = new BatchTally();
        for (FeatureVerdict f : features) {
            t.add(f);
        }
        return t;
    }

    static final int LISTED_FEATURES = 10;

    /** "a, b, c", or for more than {@link #LISTED_FEATURES}: "812 features (a, b, …, j and 802 more)"; names sorted. */
    private static String listing(String[] sorted) {
        if (sorted.length <= LISTED_FEATURES) {
            return String.join(", ", sorted);
        }
        return sorted.length + " features (" + String.join(", ", Arrays.asList(sorted).subList(0, LISTED_FEATURES))
                + " and " + (sorted.length - LISTED_FEATURES) + " more)";
    }
}
