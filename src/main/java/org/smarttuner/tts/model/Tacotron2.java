package org.smarttuner.tts.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.smarttuner.tts.data.Batch;

/**
 * Tacotron2 (Shen et al. 2018, as in NVIDIA's reference): encoder, location-sensitive attention,
 * autoregressive decoder and postnet. Every size comes from {@link ModelSettings}.
 *
 * <p>Arrays: the weights live in the manager given to the constructor (the trial's); every
 * forward pass puts what it computes in the {@code scope} manager it is given (the batch's), so
 * closing that manager frees the step's activations and autograd graph. Ops are created so that a
 * batch array is the first operand (DJL attaches a result to its first operand's manager); the few
 * parameter-only products are attached to the scope explicitly.
 */
public final class Tacotron2 {
    private final ModelSettings settings;
    private final int nSymbols;
    private final int nMels;
    private final Params params;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Postnet postnet;

    /**
     * @param initial arrays by name to start from (a checkpoint), or empty for a fresh initialisation
     *     drawn from the engine's random generator
     */
    public Tacotron2(ModelSettings settings, int nSymbols, int nMels, NDManager manager, Device device,
            Map<String, NDArray> initial) {
        if (nSymbols < 1 || nMels < 1) {
            throw new IllegalArgumentException("Tacotron2 needs at least one symbol and one mel band, got "
                    + nSymbols + " symbols and " + nMels + " mel bands");
        }
        this.settings = settings;
        this.nSymbols = nSymbols;
        this.nMels = nMels;
        params = new Params(manager, device, initial);
        encoder = new Encoder(params, settings, nSymbols);
        decoder = new Decoder(params, settings, nMels);
        postnet = new Postnet(params, settings, nMels);
        if (!params.unusedInitial().isEmpty()) {
            throw new IllegalArgumentException("the checkpoint holds arrays this model does not have: "
                    + params.unusedInitial() + " (was it written with other model settings?)");
        }
    }

    public ModelSettings settings() {
        return settings;
    }

    public int nSymbols() {
        return nSymbols;
    }

    public int nMels() {
        return nMels;
    }

    public Params params() {
        return params;
    }

    /**
     * Teacher-forced pass over a padded batch. {@code training} switches encoder/attention/decoder/
     * postnet dropout and batch-norm batch statistics; the prenet's dropout is always on.
     */
    public Tacotron2Output forward(Batch batch, boolean training, NDManager scope) {
        return forward(batch, training, training, scope);
    }

    /** As above; {@code deferGradients} false keeps every weight's gradient in autograd (for the equality test). */
    Tacotron2Output forward(Batch batch, boolean training, boolean deferGradients, NDManager scope) {
        long frames = batch.mel().getShape().get(2);
        if (frames % settings.nFramesPerStep() != 0) {
            throw new IllegalArgumentException("the batch has " + frames + " mel frames, not a multiple of "
                    + "n_frames_per_step " + settings.nFramesPerStep() + " (the batcher must pad to a multiple)");
        }
        if (batch.mel().getShape().get(1) != nMels) {
            throw new IllegalArgumentException("the batch has " + batch.mel().getShape().get(1)
                    + " mel bands but the model was built for " + nMels);
        }
        NDArray memory = encoder.apply(batch.text(), batch.textMask(), batch.textLengths().toLongArray(), training,
                scope);
        Tacotron2Output d = decoder.teacherForced(memory, batch.textMask(), batch.mel(), training, deferGradients,
                scope);
        return new Tacotron2Output(d.mel(), postnet.apply(d.mel(), training, scope), d.gate(), d.alignments(),
                d.deferred());
    }

    /**
     * Free-running synthesis (evaluation mode, prenet dropout still on) with a step limit per row
     * (validation allows each utterance a multiple of its recording's length, a text without one gets
     * max_decoder_steps). The postnet sees each row's frames only: frames past a row's end are zeroed
     * first, as padding is.
     *
     * @param text (B, T) int64 symbol ids
     * @param textMask (B, T) 1 for real tokens
     */
    public Synthesis infer(NDArray text, NDArray textMask, int[] maxSteps, NDManager scope) {
        long[] lengths = textMask.sum(new int[] {1}).toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) {
                throw new IllegalArgumentException("row " + i + " has no text to speak (an empty text after "
                        + "cleaning); free-running synthesis needs at least one symbol");
            }
        }
        NDArray memory = encoder.apply(text, textMask, lengths, false, scope);
        Decoder.Inference inf = decoder.infer(memory, textMask, (float) settings.gateThreshold(), maxSteps, scope);
        long b = inf.frames().length;
        long f = inf.mel().getShape().get(2);
        float[] keep = new float[(int) (b * f)];
        for (int i = 0; i < b; i++) {
            java.util.Arrays.fill(keep, (int) (i * f), (int) (i * f + inf.frames()[i]), 1f);
        }
        NDArray mel = inf.mel().mul(scope.create(keep, new ai.djl.ndarray.types.Shape(b, 1, f))
                .toDevice(inf.mel().getDevice(), false));
        return new Synthesis(mel, postnet.apply(mel, false, scope), inf.gate(), inf.alignments(), inf.frames(),
                inf.steps(), inf.stopped());
    }

    /**
     * A free-running result: mels (B, n_mels, F), gate logits (B, F), alignments (B, S, T), with F and S
     * the longest row's; per row its own frames and decoder steps, and whether the gate stopped it
     * (false: it ran to its step limit).
     */
    public record Synthesis(NDArray mel, NDArray melPostnet, NDArray gate, NDArray alignments, int[] frames,
            int[] steps, boolean[] stopped) {
    }
}
