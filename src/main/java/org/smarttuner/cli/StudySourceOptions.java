package org.smarttuner.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.report.MissingStudyException;
import org.smarttuner.report.StoredStudies;
import org.smarttuner.report.StoredStudy;
import org.smarttuner.spark.DeltaStudies;
import org.smarttuner.spark.Sessions;
import picocli.CommandLine.Option;

/**
 * Where the report and status commands read a study: the Delta tables ({@code --delta}, default
 * the configuration's output.delta_path) or the SQLite study file ({@code --sqlite}).
 */
final class StudySourceOptions {
    @Option(names = "--delta", paramLabel = "PATH",
            description = "Delta tables folder (output.delta_path; default: the configuration's).")
    String delta;

    @Option(names = "--sqlite", paramLabel = "PATH", description = "SQLite study file (output.sqlite_path) instead "
            + "of Delta; no Spark is started.")
    Path sqlite;

    @Option(names = "--study", paramLabel = "NAME", description = "Study name (default: the configuration's "
            + "study.name).")
    String study;

    private SparkSession spark;

    String studyName(TunerConfig config) {
        return study != null ? study : config.study().name();
    }

    void check() {
        if (delta != null && sqlite != null) {
            throw new UsageException("give either --delta or --sqlite, not both: they are two copies of the same "
                    + "study (Delta is the record, the SQLite file its mirror)");
        }
    }

    StoredStudy read(TunerConfig config) {
        check();
        try {
            if (sqlite != null) {
                return StoredStudies.fromSqlite(sqlite, studyName(config));
            }
            return DeltaStudies.read(spark(), delta != null ? delta : config.output().deltaPath(),
                    studyName(config));
        } catch (MissingStudyException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The Spark session a Delta read started (empty for SQLite), for copying checkpoints with its Hadoop conf. */
    Optional<SparkSession> session() {
        return Optional.ofNullable(spark);
    }

    private SparkSession spark() {
        if (spark == null) {
            // Reading a few small tables needs no cluster: a local session, unless spark-submit gave a master,
            // and no web UI (it would only take a port next to a running study's driver).
            if (System.getProperty("spark.ui.enabled") == null) {
                System.setProperty("spark.ui.enabled", "false");
            }
            spark = Sessions.getOrCreate("smart-tuner read", Optional.of("local[2]"), 0);
        }
        return spark;
    }
}
