package dev.pilotspc.flink.io.influx;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One blocking write of a batch of line-protocol lines; failures say whether a retry may help. */
interface LineTransport extends AutoCloseable {

    /** Sends {@code body[0, length)} (whole lines, UTF-8) as one request; returns once the server accepted them. */
    void write(byte[] body, int length) throws WriteFailure, InterruptedException;

    @Override
    void close();

    static LineTransport open(InfluxOptions options) {
        return options.transport() == InfluxOptions.Transport.V1
                ? new HttpV1Transport(options) : new ClientV2Transport(options);
    }

    /** A failed request: {@code status} 0 for I/O errors and timeouts, else the HTTP status. */
    final class WriteFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private static final int MAX_BODY_CHARS = 1000;
        final int status;
        /** Server-requested delay from Retry-After, or -1. */
        final long retryAfterMillis;

        WriteFailure(int status, long retryAfterMillis, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.retryAfterMillis = retryAfterMillis;
        }

        /** 429, 5xx and I/O errors are transient; any other status is about the configuration or the data. */
        boolean retryable() {
            return status == 0 || status == 429 || status >= 500;
        }

        /**
         * The server refused the batch for its data (400 a line it cannot parse or a point beyond
         * the retention policy, 413 too large, 422 unprocessable points); any other status
         * (credentials, database, redirects, …) concerns every write alike.
         */
        boolean isDataRejection() {
            return status == 400 || status == 413 || status == 422;
        }

        /**
         * The points dropped by a partial write ("partial write: … dropped=N", InfluxDB 1.x and
         * 2.x: the other points were written), or -1 when the message says no such thing.
         */
        long partialWriteDropped() {
            if (getMessage().contains("unable to parse")) {
                return -1; // InfluxDB 1.x leaves lines it could not parse out of the count
            }
            Matcher m = PARTIAL_WRITE.matcher(getMessage());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        private static final Pattern PARTIAL_WRITE = Pattern.compile("partial write.*dropped=(\\d{1,9})\\b", Pattern.DOTALL);

        static String abbreviate(String body) {
            String b = body == null ? "" : body.strip();
            return b.length() <= MAX_BODY_CHARS ? b : b.substring(0, MAX_BODY_CHARS) + "…";
        }

        /** Retry-After in delta-seconds (the form InfluxDB Cloud and proxies send); -1 if absent or a date. */
        static long parseRetryAfter(String value) {
            if (value == null) {
                return -1;
            }
            try {
                return Math.max(0, Long.parseLong(value.trim())) * 1000;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
