package dev.pilotspc.flink.functions;

import dev.pilotspc.core.FeatureMonitor;
import dev.pilotspc.core.config.DefinitionException;
import dev.pilotspc.core.config.FeatureConfig;
import dev.pilotspc.core.config.FeatureDefinitions;
import dev.pilotspc.core.readiness.ReadinessPolicy;
import dev.pilotspc.core.result.DriftResult;
import dev.pilotspc.core.result.LimitsResult;
import dev.pilotspc.core.result.PointResult;
import dev.pilotspc.core.result.ReadinessResult;
import dev.pilotspc.core.result.SpcResult;
import dev.pilotspc.core.result.StatusResult;
import dev.pilotspc.core.result.ViolationResult;
import dev.pilotspc.flink.io.AlertJson;
import dev.pilotspc.flink.io.LineProtocol;
import dev.pilotspc.flink.records.Alert;
import dev.pilotspc.flink.records.DeadLetter;
import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.FeatureVerdict;
import dev.pilotspc.flink.records.MeasurementRecord;
import dev.pilotspc.flink.records.PublishedDefinitions;
import dev.pilotspc.flink.records.ResultBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charts each (feature, batch) key in event-time order: measurements wait in the key's state until
 * the watermark passes them (or for max-wait, if it lags or pauses), then go through the key's
 * {@link FeatureMonitor}; results leave as line-protocol text, alerts and dead letters as side
 * outputs. Feature definitions arrive as broadcast state over the ones loaded from the features file.
 */
public class MonitorFunction extends KeyedBroadcastProcessFunction<String, MeasurementRecord, DefinitionUpdate, ResultBatch> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MonitorFunction.class);

    public static final MapStateDescriptor<String, DefinitionEntry> DEFINITIONS =
            new MapStateDescriptor<>("feature-definitions", Types.STRING, Types.POJO(DefinitionEntry.class));
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("alerts", Types.POJO(Alert.class));
    public static final OutputTag<FeatureVerdict> VERDICTS = new OutputTag<>("verdicts", Types.POJO(FeatureVerdict.class));
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", Types.POJO(DeadLetter.class));

    private final String definitionsText;
    private final String definitionsSource;
    /** The definitions topic as read when the job was built. */
    private final PublishedDefinitions published;
    private final Duration stateTtl;
    /**
     * How long after its last message a chart resends an unchanged verdict (half the state TTL;
     * 0 = never), so the batch verdict, which forgets a batch it has heard nothing of for twice the
     * TTL, keeps a living batch.
     */
    private final long heartbeatMillis;
    private final long maxWaitMillis;
    private final ReadinessPolicy readiness;

    /** The file's definitions, overridden by those published when the job was built; the topic's records override both. */
    private transient Map<String, FeatureConfig> startDefinitions;
    private transient ValueStateDescriptor<KeyState> stateDescriptor;
    private transient ValueState<KeyState> keyState;
    /**
     * The chart's measurements waiting for the watermark, in arrival order: apart from the chart's
     * state, so an arrival appends to it without reading or rewriting the chart (on RocksDB a list
     * append is a write of the one measurement; the chart's state is read and written when charting).
     */
    private transient ListState<MeasurementRecord> waiting;
    /** The waiting measurements taken up by a timer, in event-time order (reused). */
    private transient List<MeasurementRecord> waitingNow;
    private transient List<SpcResult> results;
    private transient LineProtocol lineProtocol;
    /** The one output record, pointing into the line-protocol buffer (consumers: see SpcWorkflow.Outputs). */
    private transient ResultBatch output;
    private transient MetricGroup deadLetterMetrics;
    private transient Map<String, Counter> deadLetterCounters;
    private transient Counter charted;
    /** Measurements charted after waiting max-wait for a watermark that paused or lagged. */
    private transient Counter chartedByMaxWait;
    /** Whether this instance has logged that the watermark lags (once: the metric counts the rest). */
    private transient boolean warnedOfLag;
    /** Processing time when the measurements being charted were taken up (for the verdict resends). */
    private transient long chartingTime;
    /** Counts the definition records seen, so a chart's cached definition is known to be current. */
    private transient long definitionsVersion;

    /**
     * @param definitionsText contents of the features file (YAML or JSON), or null
     * @param definitionsSource its name, for error messages
     * @param stateTtl how long an idle (feature, batch) keeps its state; zero keeps it forever
     * @param maxWait the longest a measurement waits for the watermark (up to twice this, processing
     *     time): then it is charted with the earlier ones waiting, and a later arrival with an earlier
     *     event time is late; zero waits for the watermark forever
     */
    public MonitorFunction(String definitionsText, String definitionsSource, Duration stateTtl, Duration maxWait) {
        this(definitionsText, definitionsSource, stateTtl, maxWait, new ReadinessPolicy());
    }

    /** As above, with the readiness verdict's policy (job options). */
    public MonitorFunction(String definitionsText, String definitionsSource, Duration stateTtl, Duration maxWait,
            ReadinessPolicy readiness) {
        this(definitionsText, definitionsSource, PublishedDefinitions.NONE, stateTtl, maxWait, readiness);
    }

    /**
     * As above, with the definitions found on the topic when the job was built, which override the
     * file's; of the topic's own records, those that read met already change nothing.
     */
    public MonitorFunction(String definitionsText, String definitionsSource, PublishedDefinitions published,
            Duration stateTtl, Duration maxWait, ReadinessPolicy readiness) {
        this.readiness = readiness;
        this.definitionsText = definitionsText;
        this.definitionsSource = definitionsSource;
        this.published = published;
        this.stateTtl = stateTtl;
        this.heartbeatMillis = stateTtl.isZero() ? 0 : Math.max(1, stateTtl.toMillis() / 2);
        this.maxWaitMillis = maxWait.toMillis();
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        startDefinitions = new HashMap<>();
        if (definitionsText != null) {
            for (FeatureConfig c : FeatureDefinitions.parse(definitionsText, definitionsSource)) {
                startDefinitions.put(c.feature, c);
            }
        }
        for (Map.Entry<String, String> record : published.definitions().entrySet()) {
            // taken apart as the topic's records are (only usable ones were kept: KafkaIo.publishedDefinitions)
            FeatureConfig config = new DefinitionUpdate(record.getKey(), record.getValue()).definition();
            if (config == null) {
                startDefinitions.remove(record.getKey()); // a tombstone
            } else {
                startDefinitions.put(record.getKey(), config);
            }
        }
        stateDescriptor = new ValueStateDescriptor<>("chart", Types.POJO(KeyState.class));
        if (!stateTtl.isZero()) {
            // expired charts leave the heap backend by an incremental sweep (one entry per state
            // access: finished batches are never read again, so reads alone would not find them),
            // RocksDB by its compaction filter, and both from full snapshots
            StateTtlConfig ttl = StateTtlConfig.newBuilder(stateTtl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .disableCleanupInBackground()
                    .cleanupIncrementally(1, false)
                    .cleanupFullSnapshot()
                    .cleanupInRocksdbCompactFilter(1000)
                    .build();
            stateDescriptor.enableTimeToLive(ttl);
        }
        keyState = getRuntimeContext().getState(stateDescriptor);
        // no TTL: what waits has a timer, which charts it
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", Types.POJO(MeasurementRecord.class)));
        waitingNow = new ArrayList<>();
        results = new ArrayList<>(16);
        lineProtocol = new LineProtocol();
        output = new ResultBatch();
        MetricGroup spc = getRuntimeContext().getMetricGroup().addGroup("spc");
        deadLetterMetrics = spc.addGroup("dead_letters");
        deadLetterCounters = new HashMap<>();
        DeadLetter.CHART_REASONS.forEach(reason -> deadLetterCounters.put(reason, deadLetterMetrics.counter(reason)));
        charted = spc.counter("measurements_charted");
        chartedByMaxWait = spc.counter("measurements_charted_by_max_wait");
    }

    @Override
    public void processElement(MeasurementRecord r, ReadOnlyContext ctx, Collector<ResultBatch> out) throws Exception {
        // the definition is looked up when the measurement is charted: a definition published just
        // after it still applies
        KeyState state = keyState.value();
        if (state == null) {
            state = new KeyState();
            // a chart that expired (the job was down longer than the TTL) takes what waited in it
            // along, as when its overdue stall timer comes first: the list has no TTL of its own
            waiting.clear();
        } else if (r.tsNanos < state.lastChartedTs) {
            if (state.isDuplicate(r)) {
                deadLetter(ctx, r, DeadLetter.DUPLICATE, "already charted");
            } else {
                deadLetter(ctx, r, DeadLetter.LATE, lateDetail(r));
            }
            return;
        }
        long tsMillis = r.tsMillis();
        if (tsMillis <= ctx.timerService().currentWatermark()) {
            // waiting measurements are all later: their timers fired when the watermark passed them
            chartingTime = heartbeatMillis > 0 ? ctx.timerService().currentProcessingTime() : 0;
            chart(r, ctx, state, ctx.getBroadcastState(DEFINITIONS), out);
            if (state.monitor == null) {
                return; // nothing charted (unknown feature): keep no state for it
            }
            keyState.update(state);
            return;
        }
        waiting.add(r);
        boolean changed = false;
        if (tsMillis < state.timerAt) {
            // one timer per chart for its earliest waiting measurement keeps the timer queue short
            ctx.timerService().registerEventTimeTimer(tsMillis);
            state.timerAt = tsMillis;
            changed = true;
        }
        if (maxWaitMillis > 0 && state.stallTimerAt == Long.MAX_VALUE) {
            armStallTimer(ctx, state, latestWaiting(state));
            changed = true;
        }
        if (changed) {
            keyState.update(state);
        }
    }

    /** The latest event time among the waiting measurements (there is one at least). */
    private long latestWaiting(KeyState state) throws Exception {
        List<MeasurementRecord> pending = takeUpWaiting(state);
        long latest = pending.get(pending.size() - 1).tsNanos;
        waitingNow.clear();
        return latest;
    }

    /**
     * Sets the processing-time timer that limits the wait of what waits now (up to {@code
     * latestWaiting}, the latest event time among it) to {@code maxWait}.
     */
    private void armStallTimer(ReadOnlyContext ctx, KeyState state, long latestWaiting) {
        state.stallTimerAt = ctx.timerService().currentProcessingTime() + maxWaitMillis;
        state.watermarkAtStallTimer = ctx.timerService().currentWatermark();
        state.stallUpToTs = latestWaiting;
        ctx.timerService().registerProcessingTimeTimer(state.stallTimerAt);
    }

    /**
     * The waiting measurements in event-time order, ties in arrival order (in {@link #waitingNow}),
     * those a chart's state of an earlier version held first (they arrived first; moved to the list).
     */
    private List<MeasurementRecord> takeUpWaiting(KeyState state) throws Exception {
        waitingNow.clear();
        boolean moved = state.pendingCount > 0;
        for (int i = 0; i < state.pendingCount; i++) {
            waitingNow.add(state.pending[i]);
        }
        Iterable<MeasurementRecord> list = waiting.get();
        if (list != null) {
            for (MeasurementRecord w : list) {
                waitingNow.add(w);
            }
        }
        if (moved) { // the caller writes the chart's state
            state.pending = new MeasurementRecord[0];
            state.pendingCount = 0;
            waiting.update(waitingNow);
        }
        waitingNow.sort(BY_EVENT_TIME); // stable: ties keep their arrival order
        return waitingNow;
    }

    private static final Comparator<MeasurementRecord> BY_EVENT_TIME = Comparator.comparingLong(r -> r.tsNanos);

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResultBatch> out) throws Exception {
        KeyState state = keyState.value();
        if (state == null) {
            waiting.clear(); // the chart's state expired: nothing to chart into (none waits without it otherwise)
            return;
        }
        List<MeasurementRecord> pending = takeUpWaiting(state);
        if (pending.isEmpty()) {
            if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
                state.stallTimerAt = Long.MAX_VALUE;
                keyState.update(state);
            }
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        long upToTs = Long.MIN_VALUE; // charted regardless of the watermark: what has waited max-wait
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            state.stallTimerAt = Long.MAX_VALUE;
            if (watermark < state.watermarkAtStallTimer) {
                // event time went back, as after a restore (a new run's watermark starts from nothing):
                // give the sources time to replay what followed these measurements before deciding
                // they wait for nothing
                armStallTimer(ctx, state, pending.get(pending.size() - 1).tsNanos);
                keyState.update(state);
                return;
            }
            if (watermark == state.watermarkAtStallTimer) {
                // the measurements paused (e.g. the end of a batch): chart all that waits rather than hold it
                watermark = Long.MAX_VALUE;
            } else {
                // event time moves, but too slowly for what has waited max-wait (a source whose clock
                // lags holds the watermark back): chart that, and what is earlier, without it
                upToTs = state.stallUpToTs;
            }
        }
        int due = 0;
        while (due < pending.size() && (pending.get(due).tsNanos <= upToTs || pending.get(due).isAtOrBefore(watermark))) {
            due++;
        }
        if (upToTs != Long.MIN_VALUE) {
            countChartedAheadOfWatermark(pending, due, watermark, ctx);
        } else if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            chartedByMaxWait.inc(due); // the watermark paused
        }
        ReadOnlyBroadcastState<String, DefinitionEntry> definitions = ctx.getBroadcastState(DEFINITIONS);
        chartingTime = heartbeatMillis > 0 ? ctx.timerService().currentProcessingTime() : 0; // once for all that is due
        for (int i = 0; i < due; i++) {
            chart(pending.get(i), ctx, state, definitions, out);
        }
        if (due == pending.size()) {
            waiting.clear();
        } else if (due > 0) {
            waiting.update(pending.subList(due, pending.size()));
        }
        state.timerAt = Long.MAX_VALUE;
        if (due < pending.size()) {
            state.timerAt = pending.get(due).tsMillis();
            ctx.timerService().registerEventTimeTimer(state.timerAt);
            if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
                armStallTimer(ctx, state, pending.get(pending.size() - 1).tsNanos);
            }
        }
        waitingNow.clear(); // holds no measurement longer than needed
        keyState.update(state);
    }

    /** Counts the first {@code due} waiting measurements the watermark has not passed; warns of the first. */
    private void countChartedAheadOfWatermark(List<MeasurementRecord> pending, int due, long watermark, OnTimerContext ctx) {
        int passed = 0;
        while (passed < due && pending.get(passed).isAtOrBefore(watermark)) {
            passed++;
        }
        if (due > passed) {
            chartedByMaxWait.inc(due - passed);
            if (!warnedOfLag) {
                warnedOfLag = true;
                LOG.warn("Event time lags: measurements of {} waited --max-wait ({} ms) while the watermark moved but "
                        + "stayed behind them (at {}); they are charted without it (metric "
                        + "spc.measurements_charted_by_max_wait). Is a source's clock behind?",
                        ctx.getCurrentKey().replace(MeasurementRecord.CHART_KEY_SEPARATOR, '/'), maxWaitMillis, Instant.ofEpochMilli(watermark));
            }
        }
    }

    /** Charts one measurement into {@code state} (the caller writes the state back). */
    private void chart(MeasurementRecord r, ReadOnlyContext ctx, KeyState state,
            ReadOnlyBroadcastState<String, DefinitionEntry> definitions, Collector<ResultBatch> out) throws Exception {
        FeatureConfig config = state.definitionVersion == definitionsVersion ? state.definition : null;
        if (config == null) {
            config = definition(r.feature, definitions);
            state.definition = config;
            state.definitionVersion = definitionsVersion;
        }
        if (config == null) {
            deadLetter(ctx, r, DeadLetter.UNKNOWN_FEATURE, "no definition for feature '" + r.feature + "'");
            return;
        }
        results.clear();
        if (state.monitor == null) {
            state.monitor = new FeatureMonitor(config, readiness);
        } else if (state.isDuplicate(r)) {
            deadLetter(ctx, r, DeadLetter.DUPLICATE, "already charted");
            closeAtEndOfFile(r, state, config, ctx, out);
            return;
        } else if (r.tsNanos < state.lastChartedTs) {
            deadLetter(ctx, r, DeadLetter.LATE, lateDetail(r));
            closeAtEndOfFile(r, state, config, ctx, out);
            return;
        } else if (!state.monitor.config.equals(config)) {
            state.monitor.applyDefinition(config);
        }
        if (state.monitor.readiness != readiness) {
            state.monitor.readiness = readiness; // this run's options, also for charts restored from a savepoint
        }
        state.monitor.update(r.toMeasurement(), results);
        state.remember(r);
        charted.inc();
        if (r.lastOfChart) {
            state.monitor.closeOpenSubgroup(results);
        }
        emit(r, state, config, ctx, out);
    }

    /** After a replayed file's last measurement of a chart, even a rejected one, its open subgroup is charted. */
    private void closeAtEndOfFile(MeasurementRecord r, KeyState state, FeatureConfig config, ReadOnlyContext ctx,
            Collector<ResultBatch> out) {
        if (r.lastOfChart) {
            state.monitor.closeOpenSubgroup(results);
            emit(r, state, config, ctx, out);
        }
    }

    private void emit(MeasurementRecord r, KeyState state, FeatureConfig config, ReadOnlyContext ctx,
            Collector<ResultBatch> out) {
        lineProtocol.reset();
        // the limits in force, for the alerts: the point's, or those established at it
        double cl = Double.NaN;
        double ucl = Double.NaN;
        double lcl = Double.NaN;
        for (SpcResult result : results) {
            lineProtocol.write(result);
            if (result instanceof PointResult p) {
                if (!Double.isNaN(p.cl())) {
                    cl = p.cl();
                    ucl = p.ucl();
                    lcl = p.lcl();
                }
                state.lastX = p.x();
                state.lastPart = p.part();
            } else if (result instanceof StatusResult s) {
                if (!s.state().equals(state.lastState)) {
                    ctx.output(ALERTS, new Alert(s.tsNanos(), ctx.getCurrentKey(), r.feature,
                            AlertJson.stateChange(s, state.lastState, state.lastX, state.lastPart,
                            new AlertJson.Limits(cl, ucl, lcl))));
                    state.lastState = s.state();
                }
            } else if (result instanceof LimitsResult l) {
                cl = l.cl();
                ucl = l.ucl();
                lcl = l.lcl();
            } else if (result instanceof ViolationResult v) {
                ctx.output(ALERTS, new Alert(v.tsNanos(), ctx.getCurrentKey(), r.feature, AlertJson.violation(v)));
            } else if (result instanceof ReadinessResult v) {
                boolean verdictChanged = !v.verdict().equals(state.lastVerdict);
                if (verdictChanged) {
                    ctx.output(ALERTS, new Alert(v.tsNanos(), ctx.getCurrentKey(), r.feature, AlertJson.verdictChange(v, state.lastVerdict)));
                }
                // the batch verdict's stable and capable are those of its features now (while this
                // feature has insufficient data the batch's are false whatever its own are)
                boolean flagsMatter = !ReadinessResult.INSUFFICIENT_DATA.equals(v.verdict());
                if (verdictChanged || !Boolean.valueOf(config.critical).equals(state.lastCritical)
                        || flagsMatter && (v.stable() != state.lastStable || v.capable() != state.lastCapable)
                        || heartbeatMillis > 0 && chartingTime - state.lastVerdictSentAt >= heartbeatMillis) {
                    ctx.output(VERDICTS, new FeatureVerdict(v.tsNanos(), r.batch, r.feature, v.verdict(), config.critical,
                            v.stable(), v.capable()));
                    state.lastVerdict = v.verdict();
                    state.lastStable = v.stable();
                    state.lastCapable = v.capable();
                    state.lastCritical = config.critical;
                    state.lastVerdictSentAt = chartingTime;
                }
            } else if (result instanceof DriftResult d) {
                ctx.output(ALERTS, new Alert(d.tsNanos(), ctx.getCurrentKey(), r.feature, AlertJson.drift(d, config.lsl, config.usl)));
            }
        }
        if (lineProtocol.size() > 0) {
            output.tsNanos = r.tsNanos;
            output.chartKey = ctx.getCurrentKey();
            output.lines = lineProtocol.buffer();
            output.length = lineProtocol.size();
            out.collect(output);
        }
    }

    @Override
    public void processBroadcastElement(DefinitionUpdate update, Context ctx, Collector<ResultBatch> out) throws Exception {
        definitionsVersion++; // the charts look their definition up again
        FeatureConfig config;
        try {
            config = update.definition();
        } catch (DefinitionException e) {
            rejectDefinition(ctx, update, e.getMessage());
            return;
        }
        // what this run's charts were told last (a file's definition may differ from what restored charts reported)
        DefinitionEntry stored = ctx.getBroadcastState(DEFINITIONS).get(update.feature);
        Boolean storedCritical = stored == null || stored.removed ? null : stored.config.critical;
        if (published.covers(update)) {
            storeStartDefinition(ctx, update.feature, stored, storedCritical);
        } else if (config == null) {
            ctx.getBroadcastState(DEFINITIONS).put(update.feature, new DefinitionEntry(null, true));
            reportCritical(ctx, update.feature, false); // a removed feature no longer holds its batches
        } else {
            ctx.getBroadcastState(DEFINITIONS).put(update.feature, new DefinitionEntry(config, false));
            if (!Boolean.valueOf(config.critical).equals(storedCritical)) {
                reportCritical(ctx, update.feature, config.critical);
            }
        }
    }

    /**
     * A record the build-time read met already (the job's own read starts at the topic's beginning,
     * where a feature may still have older versions): the start definition holds it or a later one,
     * so that is what the broadcast state takes. What this run stored for the feature is older too
     * (a restore from before the build), and it is replaced. Stored, the start definition outlives
     * this graph: a restore into one built without the topic read ({@code --features-topic-timeout
     * 0}, or Kafka slow then), whose source resumes past these records, still has it. The charts
     * hear a changed critical flag as from any record (restored ones may have reported another).
     */
    private void storeStartDefinition(Context ctx, String feature, DefinitionEntry stored, Boolean storedCritical)
            throws Exception {
        FeatureConfig start = published.definitions().get(feature) == null ? null : startDefinitions.get(feature);
        if (stored != null && (start == null ? stored.removed : !stored.removed && start.equals(stored.config))) {
            return; // stored already
        }
        ctx.getBroadcastState(DEFINITIONS).put(feature, new DefinitionEntry(start, start == null));
        boolean critical = start != null && start.critical;
        if (!Boolean.valueOf(critical).equals(storedCritical)) {
            reportCritical(ctx, feature, critical);
        }
    }

    /**
     * Tells the batch verdicts at once when a feature starts or stops counting as critical (a
     * definition changed or removed), e.g. to release a batch held by a feature that no longer
     * matters; the feature's charts may have measured their last part already. Each parallel
     * instance walks its own charts; definition records are rare.
     */
    private void reportCritical(Context ctx, String feature, boolean critical) throws Exception {
        String prefix = MeasurementRecord.chartKey(feature, "");
        long watermarkNanos = Math.max(ctx.currentWatermark(), Long.MIN_VALUE / 1_000_000L) * 1_000_000L;
        ctx.applyToKeyedState(stateDescriptor, (key, chart) -> {
            if (!key.startsWith(prefix)) {
                return;
            }
            KeyState s = chart.value();
            if (s == null || s.lastVerdict == null || Boolean.valueOf(critical).equals(s.lastCritical)) {
                return;
            }
            // "now" in event time, never before the chart's own last verdict
            ctx.output(VERDICTS, new FeatureVerdict(Math.max(s.lastChartedTs, watermarkNanos), key.substring(prefix.length()),
                    feature, s.lastVerdict, critical, s.lastStable, s.lastCapable));
            s.lastCritical = critical;
            chart.update(s);
        });
    }

    /**
     * A definition record that can't be used: a dead letter with its key and value as they came; the
     * old definition stays. Every parallel instance sees a broadcast record: the first one reports it.
     */
    private void rejectDefinition(Context ctx, DefinitionUpdate update, String detail) {
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            DeadLetter deadLetter = new DeadLetter(DeadLetter.INVALID_DEFINITION, detail, update.text, update.feature);
            deadLetter.keyBytes = update.featureBytes;
            deadLetter.recordBytes = update.textBytes;
            ctx.output(DEAD_LETTERS, deadLetter);
            deadLetterCounters.computeIfAbsent(deadLetter.reason, deadLetterMetrics::counter).inc();
        }
    }

    private FeatureConfig definition(String feature, ReadOnlyBroadcastState<String, DefinitionEntry> broadcast)
            throws Exception {
        DefinitionEntry entry = broadcast.get(feature);
        if (entry != null) {
            return entry.removed ? null : entry.config;
        }
        return startDefinitions.get(feature);
    }

    private static String lateDetail(MeasurementRecord r) {
        return "event time before the last charted measurement of " + r.feature + " batch " + r.batch;
    }

    private void deadLetter(ReadOnlyContext ctx, MeasurementRecord r, String reason, String detail) {
        ctx.output(DEAD_LETTERS, r.toDeadLetter(reason, detail));
        deadLetterCounters.computeIfAbsent(reason, deadLetterMetrics::counter).inc();
    }
}
