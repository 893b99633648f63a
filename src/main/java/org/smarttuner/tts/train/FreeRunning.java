package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.model.Tacotron2;

/**
 * Free-running synthesis of a batch, split into its utterances on the host: each one's postnet mel
 * cut at its own end, whether its gate stopped it, and its alignment rows. The one path that
 * validation, the report's sample and {@code smart-tuner synthesize} speak through.
 */
public final class FreeRunning {
    private FreeRunning() {
    }

    /** One utterance spoken from its text alone; alignment is [decoder steps][text positions]. */
    public record Utterance(MelFrames mel, boolean stopped, int steps, float[][] alignment) {
    }

    /** The decoder steps an utterance may take: {@code ratio} times its recording's frames, at least one. */
    public static int stepLimit(int referenceFrames, double ratio, int framesPerStep) {
        return Math.max(1, (int) Math.ceil(ratio * referenceFrames / framesPerStep));
    }

    /**
     * @param text (B, T) int64 ids, textMask (B, T), textLengths each row's real length
     * @param maxSteps per row, the steps after which it counts as never stopping
     */
    public static List<Utterance> speak(Tacotron2 model, NDArray text, NDArray textMask, long[] textLengths,
            int[] maxSteps, NDManager scope) {
        Tacotron2.Synthesis s = model.infer(text, textMask, maxSteps, scope);
        int b = textLengths.length;
        int nMels = model.nMels();
        int f = (int) s.melPostnet().getShape().get(2);
        int steps = (int) s.alignments().getShape().get(1);
        int t = (int) s.alignments().getShape().get(2);
        float[] mel = s.melPostnet().toFloatArray();
        float[] align = s.alignments().toFloatArray();
        List<Utterance> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            MelFrames own = MelFrames.ofBatchRow(mel, i, nMels, f, s.frames()[i]);
            int rows = s.steps()[i];
            int n = (int) textLengths[i];
            float[][] a = new float[rows][n];
            for (int j = 0; j < rows; j++) {
                System.arraycopy(align, (i * steps + j) * t, a[j], 0, n);
            }
            out.add(new Utterance(own, s.stopped()[i], rows, a));
        }
        return out;
    }
}
