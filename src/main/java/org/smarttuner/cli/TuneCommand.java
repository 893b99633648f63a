package org.smarttuner.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.Sessions;
import org.smarttuner.spark.StudyLease;
import org.smarttuner.spark.StudyMirror;
import org.smarttuner.spark.StudySummary;
import org.smarttuner.spark.TrialRunner;
import org.smarttuner.spark.TuneJob;
import org.smarttuner.tracking.Redaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * Runs a study: locally on the embedded Spark, or as the driver under spark-submit / a
 * Databricks JAR task. Rerunning the same command resumes the study.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Run (or resume) a tuning study on Spark.",
            "Without --config the embedded conf/local.yaml runs a demo study on a local Spark,",
            "with its files under ./work. Under spark-submit, spark.smarttuner.* Spark settings",
            "override the file, and spark.smarttuner.config names it. Rerun to resume."})
final class TuneCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TuneCommand.class);

    @Mixin
    ConfigOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> sparkConf = sparkConfFromSystem();
        if (options.config == null && sparkConf.containsKey(ConfigLoader.SPARK_CONFIG_FILE_KEY)) {
            options.config = Path.of(sparkConf.get(ConfigLoader.SPARK_CONFIG_FILE_KEY));
        }
        TunerConfig config = options.load(sparkConf);
        WarmStartCheck.verify(config);
        LOG.info("Study {}: {} trials, {} sampler, {} pruner; data {} ({}); results in {}", config.study().name(),
                config.study().nTrials(), config.study().sampler().type(), config.study().pruner().type(),
                config.data().corpus(), Redaction.redact(config.data().path()),
                Redaction.redact(config.output().deltaPath()));
        boolean embedded = !Sessions.exists() && System.getProperty("spark.master") == null;
        SparkSession spark = Sessions.getOrCreate("smart-tuner " + config.study().name(),
                config.execution().master(), config.execution().taskRetries());
        // One driver per study: taken before anything is written (features, the study file, Delta), so a second
        // tune on the same study is refused at once; TuneJob releases it at the end.
        StudyLease lease = StudyLease.acquire(spark.sparkContext().hadoopConfiguration(),
                config.output().deltaPath(), config.study().name(), "smart-tuner tune");
        List<StudyMirror> mirrors;
        try {
            // Features are computed once here, before any Spark job: executors load the cached ones.
            TrialRunner.prepare(config.data());
            mirrors = new ArrayList<>(Mirrors.open(config, spark));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        String master = spark.sparkContext().master();
        if (master.startsWith("local") && !master.startsWith("local-cluster") && config.execution().parallelism() > 1) {
            LOG.warn("execution.parallelism is {} but master {} runs every task in this one JVM, where trainings run "
                    + "one at a time: segments only queue. Use a local-cluster[N,cores,MiB] master (one executor JVM "
                    + "per trial in flight) or parallelism 1", config.execution().parallelism(), master);
        }
        TuneJob job = new TuneJob(config, spark, new TrialRunner(), mirrors, Clock.systemUTC()).withLease(lease);
        StudySummary summary = job.run();
        spec.commandLine().getOut().println(summary.describe(config.study().metric()));
        spec.commandLine().getOut().flush();
        if (embedded) {
            // An orderly stop: local-cluster executors are told to exit instead of being killed by shutdown hooks.
            spark.stop();
        }
        return summary.failedStop() ? Main.RUNTIME_ERROR : Main.OK;
    }

    /** spark.smarttuner.* entries spark-submit passes to the driver as system properties. */
    static Map<String, String> sparkConfFromSystem() {
        Map<String, String> out = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> {
            if (String.valueOf(k).startsWith(ConfigLoader.SPARK_PREFIX)) {
                out.put(String.valueOf(k), String.valueOf(v));
            }
        });
        return out;
    }
}
