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

    /**
     * Every trial of a study starts from an imported file: a model trained six epochs here, exported
     * in NVIDIA's format, then tuned. Its trials' first epoch is already far below what a model from
     * scratch reaches after one epoch on the same data.
     */
    @Test
    void tuneTrialsStartFromAnImportedNvidiaFile() throws Exception {
        Path conf = Path.of(System.getProperty("smarttuner.project.dir", ".")).resolve("conf/local.yaml");
        List<String> common = List.of("-c", conf.toString(), "--set", "data.size=40", "--set",
                "data.path=" + dir.resolve("data"), "--set", "model.n_frames_per_step=1", "--set",
                "training.free_run_every=0", "--set", "training.free_run_utterances=2", "--set",
                "study.pruner.min_resource=1");
        List<String> train = new java.util.ArrayList<>(List.of("train", "--out", dir.resolve("src").toString(),
                "--griffin-lim-iterations", "1", "--set", "training.epochs=6"));
        train.addAll(common);
        MainTest.Run source = MainTest.run(train.toArray(String[]::new));
        assertEquals(0, source.code(), source.out() + source.err());
        double scratchEpoch1 = valLoss(source.out(), 1);
        double sourceEpoch6 = valLoss(source.out(), 6);
        assertTrue(sourceEpoch6 < scratchEpoch1, source.out());

        Path pt = dir.resolve("voice.pt");
        List<String> export = new java.util.ArrayList<>(List.of("export", "--checkpoint",
                dir.resolve("src/model.ckpt").toString(), "-o", pt.toString()));
        export.addAll(common);
        MainTest.Run exported = MainTest.run(export.toArray(String[]::new));
        assertEquals(0, exported.code(), exported.err());

        String delta = dir.resolve("delta-warm").toString();
        SparkTestSession.get();
        List<String> tune = new java.util.ArrayList<>(List.of("tune", "--set", "study.name=warm", "--set",
                "study.n_trials=2", "--set", "training.epochs=1",
                "--set", "training.init_from=" + pt, "--set", "training.init_ignore=[]",
                "--set", "output.delta_path=" + delta, "--set", "output.sqlite_path=" + dir.resolve("warm.db"),
                "--set", "execution.checkpoint_dir=" + dir.resolve("ck-warm"), "--set", "study.timeout=30m",
                "--set", "output.report_path=" + dir.resolve("warm.html")));
        tune.addAll(common);
        MainTest.Run tuned = MainTest.run(tune.toArray(String[]::new));
        assertEquals(0, tuned.code(), tuned.err());
        List<MetricRow> metrics = new DeltaResultStore(SparkTestSession.get(), delta).metrics("warm");
        assertEquals(2, metrics.size(), metrics.toString());
        for (MetricRow m : metrics) {
            assertTrue(m.valLoss() < scratchEpoch1 - 0.5 * (scratchEpoch1 - sourceEpoch6),
                    "trial " + m.number() + " starts from the file: epoch 1 val " + m.valLoss() + ", from scratch "
                    + scratchEpoch1 + ", the file's model at epoch 6 " + sourceEpoch6);
        }

        MainTest.Run wrongSize = MainTest.run(concat(tune, "--set", "model.decoder_rnn_dim=128", "--set",
                "study.name=warm-wrong"));
        assertEquals(Main.USAGE_ERROR, wrongSize.code(), wrongSize.err());
        assertTrue(wrongSize.err().contains("model.decoder_rnn_dim is 128 here, 256 in the file"), wrongSize.err());
    }

    private static String[] concat(List<String> a, String... more) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The validation loss `train` printed for an epoch. */
    private static double valLoss(String out, int epoch) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch +" + epoch + " +train [0-9.]+ +val ([0-9.]+)")
                .matcher(out);
        assertTrue(m.find(), "epoch " + epoch + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
