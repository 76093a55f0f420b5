package dev.pilotspc.core.result;

/**
 * The scale-up verdict of a feature, or of the whole batch when the feature tag is {@code *}
 * ({@code spc_readiness}); {@code critical}: whether the feature counts for the batch verdict, null
 * on the batch's own line; {@code criteria}: what ready means (the readiness options in words), on
 * the batch's line only, else null.
 */
public record ReadinessResult(
        long tsNanos,
        Tags tags,
        String verdict,
        boolean stable,
        boolean capable,
        String reasons,
        Boolean critical,
        String criteria) implements SpcResult {

    public static final String READY = "ready";
    public static final String NOT_READY = "not_ready";
    public static final String INSUFFICIENT_DATA = "insufficient_data";

    @Override
    public String measurement() {
        return "spc_readiness";
    }
}
