package org.smarttuner.config;

import java.util.List;

/** All the problems found in a configuration, reported together. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        this(sorted(errors), true);
    }

    private ConfigException(List<ConfigError> sorted, boolean unused) {
        super(format(sorted));
        this.errors = sorted;
    }

    /** In file order: by origin (file before overrides), then line and column; stable otherwise. */
    private static List<ConfigError> sorted(List<ConfigError> errors) {
        java.util.List<ConfigError> copy = new java.util.ArrayList<>(errors);
        copy.sort(java.util.Comparator.comparing((ConfigError e) -> e.source().line() == 0 ? 1 : 0)
                .thenComparing(e -> e.source().origin())
                .thenComparingInt(e -> e.source().line())
                .thenComparingInt(e -> e.source().column()));
        return List.copyOf(copy);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String format(List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder();
        sb.append(errors.size() == 1 ? "1 configuration error:" : errors.size() + " configuration errors:");
        for (ConfigError e : errors) {
            sb.append("\n  - ").append(e);
        }
        return sb.toString();
    }
}
