package dev.pilotspc.flink.records;

/** An alert for {@code spc.alerts}: record key (the feature) and the JSON value of CONTRACT.md §5. */
public class Alert {

    public String key;
    public String json;

    public Alert() {
    }

    public Alert(String key, String json) {
        this.key = key;
        this.json = json;
    }

    @Override
    public String toString() {
        return json;
    }
}
