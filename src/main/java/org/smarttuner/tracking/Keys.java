package org.smarttuner.tracking;

/**
 * Makes keys and values fit MLflow's rules the same way every time (so a resumed study produces
 * the same strings): keys keep letters, digits, {@code _ - . / space} and other characters become
 * {@code _}; values never carry a URL's password; keys and values past the length limits are cut with a
 * marker.
 */
final class Keys {
    private static final String CUT = "...[truncated]";

    private Keys() {
    }

    static String key(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("MLflow keys must not be blank, got '" + raw + "'");
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length() && sb.length() < Limits.KEY_LENGTH; i++) {
            char c = raw.charAt(i);
            boolean ok = c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ' ');
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /** The value with any URL's password masked ({@link Redaction}), cut to MLflow's length limit. */
    static String paramValue(String value) {
        return cut(Redaction.redact(value), Limits.PARAM_VALUE_LENGTH);
    }

    /** The value with any URL's password masked ({@link Redaction}), cut to MLflow's length limit. */
    static String tagValue(String value) {
        return cut(Redaction.redact(value), Limits.TAG_VALUE_LENGTH);
    }

    private static String cut(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max - CUT.length()) + CUT;
    }
}
