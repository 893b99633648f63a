package org.smarttuner.spark;

import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The job's SparkSession. Under spark-submit, Databricks or a notebook the session (and its
 * master) already exists or is given by Spark's own settings; run from the command line, the
 * configuration's {@code execution.master} (default local[2]) starts an embedded one. Delta's
 * SQL extension and catalog are always set.
 */
public final class Sessions {
    private Sessions() {
    }

    public static SparkSession getOrCreate(String appName, Optional<String> configuredMaster, int taskRetries) {
        Optional<SparkSession> active = activeSession();
        if (active.isPresent()) {
            return active.get();
        }
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.task.maxFailures", String.valueOf(taskRetries + 1))
                .config("spark.ui.showConsoleProgress", "false")
                // libtorch's OpenMP threads spin while idle; on shared executors that starves training.
                .config("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.databricks.delta.snapshotPartitions", "2")
                // A MERGE whose materialised source sat on a lost executor fails; small sources need none.
                .config("spark.databricks.delta.merge.materializeSource", "none");
        if (System.getProperty("spark.master") == null) {
            String master = configuredMaster.orElse("local[2]");
            b.master(master);
            if (master.startsWith("local-cluster[")) {
                localCluster(b);
            }
            if (master.startsWith("local[") || master.equals("local")) {
                // In local mode a failed task is not retried unless asked: local[N, maxFailures].
                b.master(master.replaceFirst("^local(\\[([^\\],]+)\\])?$", "local[$2," + (taskRetries + 1) + "]")
                        .replace("local[,", "local[1,"));
            }
        }
        return b.getOrCreate();
    }

    /**
     * local-cluster[workers,cores,memory] starts each executor as a JVM of its own from
     * {@code $SPARK_HOME/jars} (bin/smart-tuner points SPARK_HOME at the layout's lib/ when there is
     * no Spark installation). Those JVMs also need this program's classes and the JVM flags.
     */
    private static void localCluster(SparkSession.Builder b) {
        String home = System.getenv("SPARK_HOME");
        if (home == null || !java.nio.file.Files.isDirectory(java.nio.file.Path.of(home, "jars"))) {
            throw new IllegalArgumentException("a local-cluster master starts executors from $SPARK_HOME/jars, but "
                    + (home == null ? "SPARK_HOME is not set" : home + "/jars is not a folder")
                    + "; run through bin/smart-tuner (it sets SPARK_HOME) or set SPARK_HOME to a Spark 4.0 installation");
        }
        try {
            java.nio.file.Path self = java.nio.file.Path.of(Sessions.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            b.config("spark.executor.extraClassPath", self.toString());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate smart-tuner's own classes: " + e.getMessage(), e);
        }
        b.config("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
        b.config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
    }

    /** True when a session already runs in this JVM (spark-submit's, a notebook's): the job must not stop it. */
    public static boolean exists() {
        return activeSession().isPresent();
    }

    private static Optional<SparkSession> activeSession() {
        scala.Option<SparkSession> s = SparkSession.getActiveSession();
        if (s.isDefined()) {
            return Optional.of(s.get());
        }
        scala.Option<SparkSession> d = SparkSession.getDefaultSession();
        return d.isDefined() ? Optional.of(d.get()) : Optional.empty();
    }
}
