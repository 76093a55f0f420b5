package dev.pilotspc.flink.workflow;

import dev.pilotspc.flink.records.DefinitionUpdate;
import dev.pilotspc.flink.records.MeasurementRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Watermark strategies of the job's inputs. */
public final class EventTime {

    private EventTime() {
    }

    /** Live measurements: bounded out-of-orderness, and idle partitions don't hold the clock back. */
    public static WatermarkStrategy<MeasurementRecord> liveMeasurements(Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<MeasurementRecord> strategy = WatermarkStrategy
                .<MeasurementRecord>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((r, previous) -> r.isValid() ? r.tsMillis() : Long.MIN_VALUE);
        return idleness.isZero() ? strategy : strategy.withIdleness(idleness);
    }

    /**
     * A file sorted by event time: the watermark follows every measurement, so nothing is held back
     * and the charting order does not depend on timing (replays are byte-identical).
     */
    public static WatermarkStrategy<MeasurementRecord> sortedFile() {
        return WatermarkStrategy.<MeasurementRecord>forGenerator(context -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(MeasurementRecord r, long timestamp, WatermarkOutput output) {
                if (r.isValid()) {
                    output.emitWatermark(new Watermark(r.tsMillis()));
                }
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
            }
        }).withTimestampAssigner((r, previous) -> r.isValid() ? r.tsMillis() : Long.MIN_VALUE);
    }

    /**
     * Definitions carry no event time. Live, their input is marked idle so the charting operator's
     * watermark follows the measurements alone (a MAX watermark here would free every waiting
     * measurement as soon as the measurements pause); bounded (tests, benchmarks), it holds the
     * watermark until every definition is read.
     */
    public static WatermarkStrategy<DefinitionUpdate> definitions(boolean bounded) {
        if (bounded) {
            return WatermarkStrategy.noWatermarks();
        }
        return WatermarkStrategy.<DefinitionUpdate>forGenerator(context -> new WatermarkGenerator<>() {
            @Override
            public void onEvent(DefinitionUpdate update, long timestamp, WatermarkOutput output) {
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        });
    }
}
