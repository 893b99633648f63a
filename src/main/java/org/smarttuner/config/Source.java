package org.smarttuner.config;

import org.smarttuner.tracking.Redaction;

/** Where a configuration value came from: a file position, a --set override, or a Spark conf entry. */
public record Source(String origin, int line, int column) {

    public static Source file(String file, int line, int column) {
        return new Source(file, line, column);
    }

    public static Source override(String text) {
        // Shown in error messages: a tracking URI's user part may be a token, any URL's password is hidden.
        String key = text.contains("=") ? text.substring(0, text.indexOf('=')).trim() : text;
        return new Source("--set " + (key.endsWith("tracking_uri") ? Redaction.redactAnyUserPart(text)
                : Redaction.redact(text)), 0, 0);
    }

    public static Source sparkConf(String key) {
        return new Source("spark conf " + key, 0, 0);
    }

    public static Source defaults() {
        return new Source("defaults", 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? origin + ":" + line + ":" + column : origin;
    }
}
