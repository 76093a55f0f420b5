package dev.pilotspc.core.config;

/** A feature definition that cannot be read or is invalid; the message is one line naming source, feature and key. */
public class DefinitionException extends IllegalArgumentException {

    public DefinitionException(String message) {
        // Kept to one line whatever a file's keys hold, so a CLI error or a log entry shows it whole.
        super(message.replaceAll("\\R", " "));
    }
}
