package org.smarttuner.config;

import java.time.Duration;
import java.util.Optional;
import org.smarttuner.tracking.Redaction;
import org.smarttuner.tracking.TrackingUrl;

/** Where results go: Delta tables (the record), the SQLite study file and MLflow (mirrors), the report. */
public record OutputConfig(
        String deltaPath,
        String sqlitePath,
        Optional<String> reportPath,
        MlflowConfig mlflow) {

    /**
     * MLflow tracking; no URI here and none in MLFLOW_TRACKING_URI means tracking is off.
     *
     * @param rungArtifacts          upload each trial's alignment images (and spoken sample) at every rung
     * @param spokenSampleIterations Griffin-Lim iterations of the spoken sample at each rung; 0: no sample
     */
    public record MlflowConfig(Optional<String> trackingUri, String experiment, Duration flushTimeout,
                               int queueCapacity, boolean rungArtifacts, int spokenSampleIterations) {
        public MlflowConfig(Optional<String> trackingUri, String experiment, Duration flushTimeout,
                            int queueCapacity) {
            this(trackingUri, experiment, flushTimeout, queueCapacity, true, DEFAULT_SPOKEN_SAMPLE_ITERATIONS);
        }

        /** What {@code SegmentRequest.rungArtifacts} gets: -1 nothing, 0 images, more: images and a WAV. */
        public int rungArtifactSetting() {
            return rungArtifacts ? spokenSampleIterations : -1;
        }

        static MlflowConfig read(ConfigReader r) {
            Optional<String> uri = r.optString("tracking_uri").map(String::trim).filter(s -> !s.isEmpty());
            uri.ifPresent(u -> {
                if (!u.matches("https?://.+|databricks(://.*)?|file:.+")) {
                    r.error("tracking_uri", "'" + Redaction.forMessage(u) + "' is not a tracking URI this tool can "
                            + "reach",
                            "http://host:port, https://..., databricks or databricks://profile");
                    return;
                }
                try {
                    // The user:password part becomes the Authorization header: a bad one is a config error now.
                    TrackingUrl.parse(u, "output.mlflow.tracking_uri");
                } catch (IllegalArgumentException e) {
                    r.error("tracking_uri", e.getMessage(), TrackingUrl.ALLOWED);
                }
            });
            String experiment = r.string("experiment", "smart-tuner");
            Duration flush = r.duration("flush_timeout", Duration.ofSeconds(60));
            int capacity = r.intValue("queue_capacity", 10_000, Range.closed(10, 10_000_000));
            boolean artifacts = r.bool("rung_artifacts", true);
            int iterations = r.intValue("spoken_sample_iterations", DEFAULT_SPOKEN_SAMPLE_ITERATIONS,
                    Range.closed(0, 1000));
            return new MlflowConfig(uri, experiment, flush, capacity, artifacts, iterations);
        }
    }

    /** Griffin-Lim iterations of a rung's spoken sample (see README: cost per rung on a CPU). */
    public static final int DEFAULT_SPOKEN_SAMPLE_ITERATIONS = 32;

    static OutputConfig read(ConfigReader r, PathResolver paths) {
        String dir = r.string("dir", "work");
        String delta = paths.resolve(r.string("delta_path", dir + "/delta"));
        String sqlite = r.string("sqlite_path", dir + "/study.db");
        if (sqlite.startsWith("sqlite:///")) {
            sqlite = sqlite.substring("sqlite:///".length());
        }
        sqlite = paths.resolve(sqlite);
        if (!paths.isLocal(sqlite)) {
            r.error("sqlite_path", "the SQLite study file must be on a local (or FUSE-mounted) file system, got "
                    + sqlite, "a local path such as work/study.db (on Databricks a driver-local disk such as "
                    + "/local_disk0/..., not /dbfs: SQLite needs POSIX locks)");
        }
        // empty: no report (bench target and bench peer set it so)
        Optional<String> report = r.optString("report_path").filter(s -> !s.isBlank()).map(paths::resolve);
        ConfigReader m = r.section("mlflow");
        MlflowConfig mlflow = MlflowConfig.read(m);
        m.finish();
        return new OutputConfig(delta, sqlite, report, mlflow);
    }
}
