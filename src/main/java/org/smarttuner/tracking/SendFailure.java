package org.smarttuner.tracking;

/**
 * A request that did not go through. Retryable: connection failures, timeouts, 429 and 5xx (the
 * server may take it later). Not retryable: the server refused it (other 4xx) and would refuse it
 * again; the message says what the server said.
 */
final class SendFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;
    private final int status;

    SendFailure(boolean retryable, int status, String message, Throwable cause) {
        // Server answers and JDK messages may repeat a URL with its password (e.g. MLflow's "already
        // logged with value=..." for a param written by an older version); they get logged and stored.
        super(Redaction.redact(message), cause);
        this.retryable = retryable;
        this.status = status;
    }

    boolean retryable() {
        return retryable;
    }

    /** HTTP status, or 0 when no response came. */
    int status() {
        return status;
    }
}
