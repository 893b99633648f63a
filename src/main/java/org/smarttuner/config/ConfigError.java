package org.smarttuner.config;

import org.smarttuner.tracking.Redaction;

/**
 * One problem in a configuration: where (file:line:column or the override), which key, what is
 * wrong, and what is allowed.
 */
public record ConfigError(Source source, String key, String problem, String allowed) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(source);
        if (key != null && !key.isEmpty()) {
            sb.append(": ").append(key);
        }
        sb.append(": ").append(problem);
        if (allowed != null && !allowed.isEmpty()) {
            sb.append(" (allowed: ").append(allowed).append(')');
        }
        // A --set text or a value quoted in the problem may be a URL with its password.
        return Redaction.redact(sb.toString());
    }
}
