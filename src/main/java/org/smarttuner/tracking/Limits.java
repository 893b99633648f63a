package org.smarttuner.tracking;

/** MLflow's documented limits on what one request and one value may hold. */
final class Limits {
    static final int BATCH_METRICS = 1000;
    static final int BATCH_PARAMS = 100;
    static final int BATCH_TAGS = 100;
    static final int BATCH_ENTITIES = 1000;
    /** The server takes 1 MB per request; we stay well under it, counting JSON overhead generously. */
    static final int BATCH_BYTES = 900_000;
    static final int KEY_LENGTH = 250;
    static final int PARAM_VALUE_LENGTH = 6000;
    static final int TAG_VALUE_LENGTH = 5000;

    private Limits() {
    }
}
