package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Collection;

/**
 * Clipping by the global L2 norm over all gradients (torch.nn.utils.clip_grad_norm_), which
 * Tacotron2 uses; DJL's optClipGrad only clamps each element.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Scales the gradients in place so their global norm is at most maxNorm; returns the norm before clipping. */
    public static double clip(Collection<NDArray> grads, double maxNorm) {
        NDList squares = new NDList(grads.size());
        for (NDArray g : grads) {
            squares.add(g.square().sum());
        }
        double norm = Math.sqrt(NDArrays.stack(squares).sum().getFloat());
        if (Double.isFinite(norm) && norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }
}
