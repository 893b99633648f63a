package org.smarttuner.cli;

import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * How {@code main} ends. Everywhere but Databricks it exits the JVM with the command's code. A
 * Databricks JAR task runs {@code main} inside the cluster's shared driver JVM, where Databricks asks
 * jobs not to call {@code System.exit}: there success returns, and a failure throws, which fails the
 * task run (and lets the job's retries resume the study).
 */
final class ProcessExit {
    /** Set by the Databricks Runtime on its clusters. */
    static final String DATABRICKS_ENV = "DATABRICKS_RUNTIME_VERSION";

    private ProcessExit() {
    }

    static void end(int code, Function<String, String> env, IntConsumer exit) {
        if (env.apply(DATABRICKS_ENV) == null) {
            exit.accept(code);
            return;
        }
        if (code != Main.OK) {
            throw new IllegalStateException("smart-tuner exited with code " + code
                    + " (2: usage or configuration error, 1: runtime failure); the log above says why");
        }
    }
}
