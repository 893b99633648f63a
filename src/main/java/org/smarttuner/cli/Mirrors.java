package org.smarttuner.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.smarttuner.config.ConfigPrinter;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.MlflowMirror;
import org.smarttuner.spark.SqliteMirror;
import org.smarttuner.spark.StudyMirror;
import org.smarttuner.tracking.StudyInfo;
import org.smarttuner.tts.data.FeatureCache;

/** The mirrors a study keeps besides Delta, from the configuration. */
final class Mirrors {
    private Mirrors() {
    }

    static List<StudyMirror> open(TunerConfig config, SparkSession spark) {
        List<StudyMirror> mirrors = new ArrayList<>();
        mirrors.add(new SqliteMirror(java.nio.file.Path.of(config.output().sqlitePath()), config.study().name(),
                StudyFactory.direction(config.study())));
        try {
            openMlflow(config, spark, mirrors);
        } catch (RuntimeException e) {
            // the study file is open already: a refused MLflow setting must not leave its handle behind
            mirrors.forEach(StudyMirror::close);
            throw e;
        }
        return mirrors;
    }

    private static void openMlflow(TunerConfig config, SparkSession spark, List<StudyMirror> mirrors) {
        StudyInfo info = studyInfo(config, spark.sparkContext().hadoopConfiguration());
        mirrors.add(MlflowMirror.open(config, spark, info, System.getenv()));
    }

    /** What the study's MLflow parent run records: the flattened config (URL passwords masked) as params. */
    static StudyInfo studyInfo(TunerConfig config, org.apache.hadoop.conf.Configuration hadoop) {
        return new StudyInfo(config.study().name(),
                org.smarttuner.spark.StudyIdentity.flatten(ConfigPrinter.toTree(config)),
                config.study().sampler().type(), config.study().pruner().type(),
                // the data by content (as the study's identity has it), not by where it lies
                FeatureCache.key(config.data().audio()) + ":" + org.smarttuner.spark.StudyIdentity.dataContent(
                        config.data().path(), hadoop),
                Version.get(), Optional.empty());
    }
}
