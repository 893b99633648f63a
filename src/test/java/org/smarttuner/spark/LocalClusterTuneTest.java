package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.storage.SqliteStudyStorage;

/**
 * The runnable layout's {@code bin/smart-tuner tune} on a {@code local-cluster} master: two
 * executor JVMs started from the layout's own jars (no Spark installation, SPARK_HOME unset).
 */
@Tag("slow")
class LocalClusterTuneTest {
    private static final Path PROJECT = Path.of(System.getProperty("smarttuner.project.dir", "."))
            .toAbsolutePath().normalize();
    private static final Path LAUNCHER = PROJECT.resolve("target/smart-tuner/bin/smart-tuner");

    @Test
    void trialsRunOnTwoExecutorJvmsStartedFromTheLayoutsJars() throws Exception {
        assertTrue(Files.isExecutable(LAUNCHER), "no runnable layout at " + LAUNCHER + ": run mvn package first");
        Path dir = Files.createDirectories(PROJECT.resolve("target/local-cluster-tests")
                .resolve(String.valueOf(System.currentTimeMillis())));
        Path config = ClusterTuneTest.config(dir, 4, 1, 2);
        String yaml = Files.readString(config).replace("gpus_per_trial: 1, device: auto",
                "gpus_per_trial: 0, device: cpu, master: 'local-cluster[2,1,1536]'");
        Files.writeString(config, yaml);
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "tune", "-c", config.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        boolean ended = p.waitFor(12, TimeUnit.MINUTES);
        String out = read(dir.resolve("out.log"));
        if (!ended) {
            p.destroyForcibly();
        }
        assertTrue(ended, "the study did not end within 12 minutes:\n" + tail(out));
        assertEquals(0, p.exitValue(), tail(out));
        assertTrue(out.contains("Study " + ClusterTuneTest.STUDY + " stopped: n_trials 4 reached"), tail(out));

        List<TrialRow> trials = new DeltaResultStore(SparkTestSession.get(), dir.resolve("delta").toString())
                .trials(ClusterTuneTest.STUDY);
        assertEquals(4, trials.size());
        Set<String> executors = new TreeSet<>();
        for (TrialRow t : trials) {
            assertEquals("COMPLETE", t.state(), "trial " + t.number() + ": " + t.error());
            executors.add(t.executor().substring(0, t.executor().indexOf('@')));
        }
        assertEquals(Set.of("0", "1"), executors, "both executor JVMs trained: " + executors);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(dir.resolve("study.db"))) {
            assertEquals(4, st.trials(ClusterTuneTest.STUDY).size(), "the study file has every trial");
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String tail(String s) {
        return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
    }
}
