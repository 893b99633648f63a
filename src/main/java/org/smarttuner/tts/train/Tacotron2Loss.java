package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.Tacotron2Output;

/**
 * Tacotron2's loss with padding kept out: every term is a sum over real frames divided by the
 * number of real frames (times mel bands), so padded frames neither add error nor dilute the mean.
 * (NVIDIA's reference averages over padding too; with bucketed batches the difference is small but
 * masking makes the loss independent of how a batch was padded.)
 */
public final class Tacotron2Loss {
    private final GuidedAttention guided;

    /** @param guided the guided-attention term; weight 0 turns it off */
    public Tacotron2Loss(GuidedAttention guided) {
        this.guided = guided;
    }

    public LossTerms compute(Tacotron2Output out, Batch batch, int framesPerStep, NDManager scope) {
        NDArray melMask = batch.melMask();
        long b = melMask.getShape().get(0);
        long f = melMask.getShape().get(1);
        long nMels = batch.mel().getShape().get(1);
        NDArray frames = melMask.sum();
        NDArray mask3 = melMask.reshape(b, 1, f);
        NDArray denom = frames.mul(nMels);
        NDArray mel = out.mel().sub(batch.mel()).square().mul(mask3).sum().div(denom);
        NDArray post = out.melPostnet().sub(batch.mel()).square().mul(mask3).sum().div(denom);
        NDArray x = out.gate();
        // BCE with logits, stable form: softplus(x) - x * z
        NDArray gate = Activation.softPlus(x).sub(x.mul(batch.gate())).mul(melMask).sum().div(frames);
        NDArray total = mel.add(post).add(gate);
        NDArray ga;
        if (guided.enabled()) {
            ga = guided.loss(out.alignments(), batch.textLengths().toLongArray(), batch.melLengths().toLongArray(),
                    framesPerStep, scope);
            total = total.add(ga.mul((float) guided.weight()));
        } else {
            ga = scope.zeros(new ai.djl.ndarray.types.Shape());
        }
        return new LossTerms(total, mel, post, gate, ga);
    }
}
