package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.data.DatasetPreparer;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.Utterance;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.TestBatches;

/**
 * The whole path on the CPU in a few minutes: synthetic corpus, mel features, batching, the small
 * Tacotron2, Adam. Validation loss must fall well below its first-epoch value, the attention's
 * sharpness must rise far above what uniform attention scores (1 / text length), and, at one frame
 * per decoder step and at two, free-running synthesis must stop by itself within 20% of the
 * recording's length (the stop gate's fix: steps labelled whole, weighted positives).
 */
@Tag("slow")
class SyntheticConvergenceTest {
    static final int EPOCHS = Integer.getInteger("smarttuner.convergence.epochs", 25);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "n_frames_per_step {0}")
    @ValueSource(ints = {1, 2})
    void learnsTheSyntheticCorpusAndStopsByItself(int framesPerStep) throws Exception {
        AudioSettings audio = new AudioSettings(22050, 1024, 256, 1024, 80, 0, 8000, 1e-5);
        DataSettings ds = new DataSettings("synthetic", dir.resolve("synthetic").toString(), 120, 7, 0.15, "skip",
                "drop", "basic", 40, 200, audio);
        PreparedDataset data = DatasetPreparer.prepare(ds);
        ModelSettings model = TestBatches.withFramesPerStep(TestBatches.small(), framesPerStep);
        TrainingSettings t = new TrainingSettings(EPOCHS, 8, "adam", 2e-3, 1e-6, 0.9, 0.999, 1e-6, 1.0, "constant",
                0.5, 10, 4000, 1.0, 0.2, 5.0, 1234, 5, 0, 2.0, 13);
        TrainingData td = LoaderBatchSource.of(data, t.batchSize(), model.nFramesPerStep());
        SegmentResult r = SegmentTrainer.runOrThrow(new TrainingSegment(model, t, Device.cpu(), 0, EPOCHS,
                Optional.empty(), dir.resolve("model.ckpt"), Optional.of(dir.resolve("png"))), td);
        double uniform = data.validation().items().stream().mapToDouble(u -> 1.0 / u.textLength()).average()
                .orElseThrow();
        EpochMetrics first = r.epochs().get(0);
        EpochMetrics last = r.last().orElseThrow();
        String summary = String.format("r %d: val loss %.4f -> %.4f, sharpness %.3f -> %.3f (uniform %.3f), %d epochs; "
                + "free-running %s", framesPerStep, first.valLoss(), last.valLoss(), first.attentionSharpness(),
                last.attentionSharpness(), uniform, EPOCHS, last.voice().describe());
        System.out.println(summary);
        for (EpochMetrics e : r.epochs()) {
            System.out.println(e);
        }
        assertTrue(last.valLoss() < 0.75 * first.valLoss(), summary);
        assertTrue(last.attentionSharpness() > 3 * uniform, summary);
        assertTrue(data.validation().items().stream().mapToInt(Utterance::textLength).min().orElseThrow() > 1);
        assertTrue(last.voice().stopRate() >= 0.8, "stops by itself: " + summary);
        assertTrue(last.voice().stopError() <= 0.2, "within 20% of the recording's length: " + summary);
    }
}
