package org.smarttuner.spark;

import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** One local SparkSession with Delta for all fast tests in a JVM (starting one takes seconds). */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (spark == null || spark.sparkContext().isStopped()) {
            System.setProperty("spark.ui.enabled", "false");
            spark = Sessions.getOrCreate("smart-tuner-tests", Optional.of("local[2]"), 1);
        }
        return spark;
    }
}
