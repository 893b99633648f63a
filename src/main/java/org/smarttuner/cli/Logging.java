package org.smarttuner.cli;

/**
 * Console logging: by default Spark's INFO noise is hidden and our progress shows (see
 * log4j2.properties); {@code --verbose} turns everything back on.
 */
final class Logging {
    private static volatile boolean verbose;

    private Logging() {
    }

    static boolean isVerbose() {
        return verbose;
    }

    static void verbose() {
        verbose = true;
        try {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.INFO);
            org.apache.logging.log4j.core.config.Configurator.setLevel("org.smarttuner",
                    org.apache.logging.log4j.Level.DEBUG);
        } catch (NoClassDefFoundError e) {
            // No log4j-core on this classpath (a cluster with another binding): nothing to switch.
        }
    }
}
