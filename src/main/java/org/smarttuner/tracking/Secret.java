package org.smarttuner.tracking;

import java.util.Objects;

/** A credential that never shows in logs, messages or {@code toString}. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The credential itself, for an Authorization header only. */
    String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "*****";
    }
}
