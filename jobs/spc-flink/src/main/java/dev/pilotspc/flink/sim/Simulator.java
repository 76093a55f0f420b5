package dev.pilotspc.flink.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates a scenario's gauge records, deterministic for its seed: one measurement per feature and
 * part, with the process faults applied to the values and the delivery faults to the records.
 */
public final class Simulator {

    /** A record to send {@code sendAtMs} after the start (wall clock at the scenario's rate). */
    public record Record(long sendAtMs, String key, String value, int part, String fault) {
    }

    /** Event time of part 1; parts are one second apart in event time. */
    public static final long DEFAULT_T0 = 1_764_000_000_000L;

    /** Event time of part 1 for a live batch: now, to the second (where dashboards and alert rules look). */
    public static long liveT0() {
        return System.currentTimeMillis() / 1000 * 1000;
    }

    /** How long after the last part the late records are sent. */
    public static final long LATE_AFTER_MS = 5000;

    private Simulator() {
    }

    public static List<Record> generate(Scenario s, long t0) {
        Random random = new Random(s.seed);
        List<Record> out = new ArrayList<>();
        List<Record> held = new ArrayList<>();
        double msPerPart = 1000.0 / s.rate;
        for (int part = 1; part <= s.parts; part++) {
            long sendAt = Math.round((part - 1) * msPerPart);
            long eventTs = t0 + (part - 1) * 1000L;
            String station = s.stations.isEmpty() ? null : s.stations.get((part - 1) % s.stations.size());
            int f = 0;
            for (Scenario.Feature feature : s.features) {
                double value = value(s, feature, part, station, random);
                String json = json(eventTs + f * 10L, feature.id(), s, part, station, format(value, feature.resolution()));
                out.add(new Record(sendAt, feature.id(), json, part, null));
                f++;
            }
            applyDelivery(s, out, held, random, sendAt);
        }
        // late records go out well after the batch, when the job has charted everything after them
        for (Record r : held) {
            out.add(new Record(Math.round(s.parts * msPerPart) + LATE_AFTER_MS, r.key(), r.value(), r.part(), r.fault()));
        }
        return out;
    }

    /** The delivery faults on the records of the newest part. */
    private static void applyDelivery(Scenario s, List<Record> out, List<Record> held, Random random, long sendAt) {
        Scenario.Delivery d = s.delivery;
        int first = out.size() - s.features.size();
        for (int i = first; i < first + s.features.size(); i++) {
            Record r = out.get(i);
            double u = random.nextDouble();
            double edge = d.malformed();
            if (u < edge) {
                out.set(i, new Record(r.sendAtMs(), r.key(), r.value().substring(0, r.value().length() / 2), r.part(),
                        "malformed"));
            } else if (u < (edge += d.missingField())) {
                out.set(i, new Record(r.sendAtMs(), r.key(), r.value().replaceAll(",\"value\":[^,}]*", ""), r.part(),
                        "missing_field"));
            } else if (u < (edge += d.nonFinite())) {
                out.set(i, new Record(r.sendAtMs(), r.key(), r.value().replaceAll("\"value\":[^,}]*", "\"value\":1e999"),
                        r.part(), "non_finite"));
            } else if (u < (edge += d.duplicates())) {
                out.add(new Record(r.sendAtMs(), r.key(), r.value(), r.part(), "duplicate"));
            } else if (u < (edge += d.outOfOrder())) {
                // sent with the next part: within the job's out-of-orderness, charted in order
                out.set(i, new Record(sendAt + Math.round(1000.0 / s.rate), r.key(), r.value(), r.part(), "out_of_order"));
            } else if (u < edge + d.late()) {
                // sent at the end of the batch: older than what is charted by then
                out.set(i, new Record(sendAt, r.key(), "", r.part(), "placeholder"));
                held.add(new Record(0, r.key(), r.value(), r.part(), "late"));
            }
        }
        // only this part's records (and its duplicates after them): the whole list each time was quadratic
        out.subList(first, out.size()).removeIf(r -> "placeholder".equals(r.fault()));
    }

    private static double value(Scenario s, Scenario.Feature feature, int part, String station, Random random) {
        double mean = feature.mean();
        double sigma = feature.sigma();
        double extra = 0;
        for (Scenario.Fault fault : s.faults) {
            if (!fault.feature().equals(feature.id()) || part < fault.fromPart()) {
                continue;
            }
            switch (fault.type()) {
                case "shift" -> mean += fault.size();
                case "drift" -> mean += fault.perPart() * (part - fault.fromPart() + 1);
                case "variance" -> sigma *= fault.factor();
                case "station_offset" -> mean += fault.station().equals(station) ? fault.size() : 0;
                case "outliers" -> extra += random.nextDouble() < fault.rate()
                        ? fault.size() * sigma * (random.nextBoolean() ? 1 : -1) : 0;
                default -> {
                }
            }
        }
        double z = random.nextGaussian();
        if (feature.skew() != 0) {
            // a skew-normal-ish tail: stretch one side
            z = z > 0 ? z * (1 + feature.skew()) : z * (1 - feature.skew());
        }
        return mean + sigma * z + extra;
    }

    private static String format(double value, double resolution) {
        if (resolution > 0) {
            value = Math.round(value / resolution) * resolution;
            int decimals = Math.max(0, (int) Math.ceil(-Math.log10(resolution) - 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", value);
        }
        return Double.toString(value);
    }

    private static String json(long ts, String feature, Scenario s, int part, String station, String value) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("{\"ts\":").append(ts).append(",\"feature\":\"").append(feature).append("\",\"batch\":\"")
                .append(s.batch).append("\",\"part\":\"").append(String.format(Locale.ROOT, "SN-%04d", part)).append('"');
        if (s.line != null) {
            sb.append(",\"line\":\"").append(s.line).append('"');
        }
        if (station != null) {
            sb.append(",\"station\":\"").append(station).append('"');
        }
        return sb.append(",\"value\":").append(value).append('}').toString();
    }
}
