package dev.pilotspc.flink.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;

/** Processing time under the test's control; callbacks run on advance(), like Flink's mailbox would. */
public final class ManualTimers implements ProcessingTimeService {
    public long now = 1_000_000;
    private final TreeMap<Long, List<ProcessingTimeCallback>> due = new TreeMap<>();

    @Override
    public long getCurrentProcessingTime() {
        return now;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
        due.computeIfAbsent(timestamp, t -> new ArrayList<>()).add(callback);
        return null;
    }

    public void advance(long millis) throws Exception {
        now += millis;
        while (!due.isEmpty() && due.firstKey() <= now) {
            var entry = due.pollFirstEntry();
            for (ProcessingTimeCallback callback : entry.getValue()) {
                callback.onProcessingTime(entry.getKey());
            }
        }
    }
}
