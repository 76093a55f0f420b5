package dev.pilotspc.flink.io.influx;

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

        /** Wrong credentials, database or bucket (401, 403, 404): every write would fail the same way. */
        boolean isConfigurationError() {
            return status == 401 || status == 403 || status == 404;
        }

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
