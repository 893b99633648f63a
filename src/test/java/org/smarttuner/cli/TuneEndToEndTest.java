package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.SparkTestSession;
import org.smarttuner.spark.results.DeltaResultStore;
import org.smarttuner.spark.results.MetricRow;
import org.smarttuner.spark.results.TrialRow;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;

/** `smart-tuner tune` with the real Tacotron2 trainer on the synthetic corpus, on a local Spark. */
@Tag("slow")
class TuneEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void tuneRunsARealStudyAndRecordsItInDeltaAndTheStudyFile() throws Exception {
        Path conf = Path.of(System.getProperty("smarttuner.project.dir", ".")).resolve("conf/local.yaml");
        String delta = dir.resolve("delta").toString();
        String sqlite = dir.resolve("study.db").toString();
        SparkTestSession.get(); // the job reuses the active session, as under spark-submit or in a notebook
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("tune", "-c",
                conf.toString(), "--set", "study.name=e2e", "--set", "study.n_trials=3", "--set", "training.epochs=2",
                "--set", "study.pruner.min_resource=1", "--set", "data.size=40",
                "--set", "data.path=" + dir.resolve("data"), "--set", "output.delta_path=" + delta,
                "--set", "output.sqlite_path=" + sqlite, "--set", "execution.checkpoint_dir=" + dir.resolve("ck"),
                "--set", "study.timeout=30m", "--set", "output.report_path=" + dir.resolve("report.html"));
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("Study e2e stopped"), out.toString());

        DeltaResultStore store = new DeltaResultStore(SparkTestSession.get(), delta);
        List<TrialRow> trials = store.trials("e2e");
        assertEquals(3, trials.size());
        List<MetricRow> metrics = store.metrics("e2e");
        assertTrue(!metrics.isEmpty(), "epochs recorded");
        for (MetricRow m : metrics) {
            assertTrue(m.valLoss() == null || m.valLoss() > 0, "a real loss: " + m);
            assertTrue(m.framesPerSecond() > 0, "a real throughput: " + m);
        }
        try (SqliteStudyStorage st = SqliteStudyStorage.open(Path.of(sqlite))) {
            List<FrozenTrial> mirrored = st.trials("e2e");
            assertEquals(3, mirrored.size());
            for (int i = 0; i < 3; i++) {
                assertEquals(trials.get(i).state(), mirrored.get(i).state().name(), "trial " + i);
            }
        }
        assertTrue(Files.isDirectory(dir.resolve("data/features")), "features computed once beside the data");
        String report = Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("id=\"chart-history\"") && report.contains("id=\"sample-audio\""),
                "the job's report, with the best trial's real checkpoint spoken");
    }
}
