package dev.pilotspc.flink.io;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;

/** One-line descriptions of failures for people: what went wrong, not an exception class alone. */
public final class Errors {

    private Errors() {
    }

    /** A network failure in words ("connection refused", "unknown host h"), else the exception's class and message. */
    public static String describe(Throwable e) {
        if (e instanceof ConnectException || e instanceof ClosedChannelException) {
            return "connection refused or closed" + detail(e);
        }
        if (e instanceof UnknownHostException) {
            return "unknown host" + detail(e);
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer in time" + detail(e);
        }
        if (e.getCause() != null && e.getMessage() == null) {
            return describe(e.getCause()); // the JDK's HTTP client wraps the cause without a message
        }
        return e.getClass().getSimpleName() + detail(e);
    }

    private static String detail(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "" : ": " + m;
    }

    /**
     * The failure of a command in one line: the first exception in the chain that is not one of
     * Flink's wrappers ("Job execution failed." and the like), described.
     */
    public static String ofCommand(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!t.getClass().getName().startsWith("org.apache.flink.")) {
                String m = t.getMessage();
                return m == null || m.isBlank() ? describe(t) : m;
            }
        }
        return describe(e);
    }
}
