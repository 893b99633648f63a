package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.Tacotron2Output;

/**
 * Tacotron2's loss with padding kept out: every mel term is a sum over real frames divided by the
 * number of real frames (times mel bands), so padded frames neither add error nor dilute the mean.
 * (NVIDIA's reference averages over padding too; with bucketed batches the difference is small but
 * masking makes the loss independent of how a batch was padded.)
 *
 * <p>The stop gate is trained on the frames of each utterance's decoder steps ({@link
 * Batch#gateMask()}), and its "stop" frames weigh {@code gatePositiveWeight} times a "go on" frame.
 * With padding masked out an utterance has only its last step as positives against a hundred or more
 * negatives; unweighted, the gate's probability at the end settles below the threshold and
 * free-running synthesis never stops. (NVIDIA's reference gets its positives by counting every
 * padded frame as "stop", which makes the weight depend on how the batch was padded.)
 */
public final class Tacotron2Loss {
    private final GuidedAttention guided;
    private final double gatePositiveWeight;

    /**
     * @param guided the guided-attention term; weight 0 turns it off
     * @param gatePositiveWeight the weight of the gate's "stop" frames (1: plain binary cross-entropy)
     */
    public Tacotron2Loss(GuidedAttention guided, double gatePositiveWeight) {
        if (!(gatePositiveWeight > 0) || Double.isInfinite(gatePositiveWeight)) {
            throw new IllegalArgumentException("gate_positive_weight must be a positive number, got "
                    + gatePositiveWeight);
        }
        this.guided = guided;
        this.gatePositiveWeight = gatePositiveWeight;
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
        NDArray z = batch.gate();
        NDArray gateMask = batch.gateMask();
        // weighted BCE with logits, stable form: w * z * softplus(-x) + (1 - z) * softplus(x)
        NDArray positive = Activation.softPlus(x.neg()).mul(z).mul((float) gatePositiveWeight);
        NDArray negative = Activation.softPlus(x).mul(z.neg().add(1f));
        NDArray gate = positive.add(negative).mul(gateMask).sum().div(gateMask.sum());
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
