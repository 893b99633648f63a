package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.eval.UtteranceVoice;
import org.smarttuner.tts.eval.VoiceMetrics;
import org.smarttuner.tts.model.Tacotron2;

/**
 * Free-running validation: the first {@code free_run_utterances} validation utterances (always the
 * same ones, in the validation split's fixed order) spoken from their text alone, batched as the
 * validation batches are, with the published inference rules (prenet dropout on, the gate threshold)
 * and each allowed {@code free_run_max_length} times its recording's frames. Their mean MCD-DTW, stop
 * error, stop rate and attention walk are the epoch's voice metrics.
 */
public final class FreeRunValidation {
    private static final long SALT = 0x4652_4545_0000_0000L;

    private FreeRunValidation() {
    }

    /** The voice metrics and the first utterance's free-running alignment [steps][text] and postnet mel. */
    public record Result(VoiceMetrics voice, float[][] sampleAlignment, MelFrames sampleMel) {
        public Result(VoiceMetrics voice, float[][] sampleAlignment) {
            this(voice, sampleAlignment, null);
        }
    }

    /** Whether the epoch that just finished ({@code epochsDone}, 1-based) runs it: every k epochs and at segment ends. */
    static boolean due(TrainingSettings t, int epochsDone, int segmentEnd) {
        return epochsDone == segmentEnd || t.freeRunEvery() > 0 && epochsDone % t.freeRunEvery() == 0;
    }

    public static Result run(Tacotron2 model, BatchSource validation, TrainingSettings t, int epoch, Device device,
            NDManager trial) {
        trial.getEngine().setRandomSeed(Seeds.engine(Seeds.mix(Seeds.validation(t.seed(), epoch), SALT)));
        int r = model.settings().nFramesPerStep();
        int wanted = t.freeRunUtterances() == 0 ? Integer.MAX_VALUE : t.freeRunUtterances();
        VoiceMetrics.Accumulator acc = new VoiceMetrics.Accumulator();
        float[][] sample = null;
        MelFrames sampleMel = null;
        int done = 0;
        for (int i = 0; i < validation.batchCount() && done < wanted; i++) {
            TrainingStop.check();
            try (NDManager scope = trial.newSubManager(device)) {
                Batch batch = validation.batch(0, i, scope, device);
                int b = batch.size();
                long[] textLengths = batch.textLengths().toLongArray();
                long[] melLengths = batch.melLengths().toLongArray();
                int[] limits = new int[b];
                for (int j = 0; j < b; j++) {
                    limits[j] = FreeRunning.stepLimit((int) melLengths[j], t.freeRunMaxLength(), r);
                }
                List<FreeRunning.Utterance> spoken = FreeRunning.speak(model, batch.text(), batch.textMask(),
                        textLengths, limits, scope);
                int nMels = model.nMels();
                int f = (int) batch.mel().getShape().get(2);
                float[] recorded = batch.mel().toFloatArray();
                for (int j = 0; j < b && done < wanted; j++, done++) {
                    FreeRunning.Utterance u = spoken.get(j);
                    MelFrames own = MelFrames.ofBatchRow(recorded, j, nMels, f, (int) melLengths[j]);
                    UtteranceVoice v = UtteranceVoice.of(u.mel(), own, u.stopped(),
                            u.alignment(), u.steps(), (int) textLengths[j], t.mcdCoefficients());
                    acc.add(v);
                    if (sample == null) {
                        sample = u.alignment();
                        sampleMel = u.mel();
                    }
                }
            }
        }
        return new Result(acc.result(), sample, sampleMel);
    }
}
