package org.smarttuner.config;

/** Where a configuration value came from: a file position, a --set override, or a Spark conf entry. */
public record Source(String origin, int line, int column) {

    public static Source file(String file, int line, int column) {
        return new Source(file, line, column);
    }

    public static Source override(String text) {
        return new Source("--set " + text, 0, 0);
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
