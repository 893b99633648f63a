package org.smarttuner.spark;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;

/**
 * A study driver in a JVM of its own, for the tests that kill it with SIGKILL or start two at once:
 * the real {@link TuneJob} on a local Spark with real Delta tables and the real study file, training
 * replaced by {@link CurveWork} (segments that sleep {@code args[2]} ms), so the driver's crash windows
 * come round many times a second.
 *
 * <p>Arguments: the configuration file, its folder (relative paths), the segment time in ms, and optionally
 * {@code mlflow} to mirror to the MLflow server of the configuration too. Exit 0 when the study ends, 3 when
 * another driver holds the study, 1 on any other failure.
 */
public final class DriverProcess {
    private DriverProcess() {
    }

    /**
     * Starts this driver as a JVM of its own in {@code dir} (the study's folder), its output in {@code log}
     * there; {@code extra} goes after the usual arguments (e.g. "mlflow").
     */
    public static Process start(Path dir, Path config, long segmentMillis, String log, String... extra)
            throws java.io.IOException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(StandaloneCluster.sparkJvmFlags());
        cmd.addAll(List.of("-Xmx1g", "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"),
                DriverProcess.class.getName(), config.toString(), dir.toString(), String.valueOf(segmentMillis)));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
    }

    public static void main(String[] args) throws Exception {
        Path config = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        long sleep = Long.parseLong(args[2]);
        TunerConfig c = new ConfigLoader(k -> null, dir).load(config, List.of(), Map.of());
        try {
            List<StudyMirror> mirrors = new java.util.ArrayList<>(List.of(new SqliteMirror(
                    Path.of(c.output().sqlitePath()), c.study().name(), StudyFactory.direction(c.study()))));
            if (args.length > 3 && args[3].equals("mlflow")) {
                mirrors.add(MlflowMirror.open(c, SparkTestSession.get(), new org.smarttuner.tracking.StudyInfo(
                        c.study().name(), Map.of("study.n_trials", c.study().nTrials()), "tpe", "asha", "h", "test",
                        java.util.Optional.empty()), Map.of()));
            }
            StudySummary s = new TuneJob(c, SparkTestSession.get(), new CurveWork(List.of(), List.of(), List.of(),
                    sleep), mirrors, Clock.systemUTC()).run();
            System.out.println("STUDY-DONE " + s.counts());
            System.out.flush();
            System.exit(0);
        } catch (StudyLease.HeldException e) {
            System.err.println("HELD: " + e.getMessage());
            System.err.flush();
            System.exit(3);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
