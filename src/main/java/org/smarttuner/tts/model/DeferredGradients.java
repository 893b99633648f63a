package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Weight gradients of the decoder's recurrent matmuls, computed after the backward pass in one
 * matmul each instead of one per decoder step.
 *
 * <p>Why: a weight used at all 200 decoder steps of a batch gets, in the autograd backward, 200
 * thin weight-gradient matmuls (batch rows only: K = 8) and 200 accumulations of its full-size
 * gradient; for the two LSTM weights that is most of the memory traffic of the backward pass. The
 * decoder therefore runs its steps with a detached copy of each such weight (the input gradients,
 * which need the weight's values, are unchanged) and adds a zero-valued leaf, one slice per step, to
 * the step's gates; after the backward pass that leaf's gradient is every step's gate gradient
 * {@code delta}, and the weight's gradient is {@code sum_s delta_s^T x_s}: one (out x S*B) by
 * (S*B x in) matmul over the inputs the steps kept. The bias keeps its ordinary gradient (it is
 * added to the leaf before the loop, so autograd sums it once).
 *
 * <p>{@link #addTo} must run after the backward pass and before clipping; {@link #NONE} (evaluation,
 * inference) adds nothing.
 */
public final class DeferredGradients {
    /** Nothing deferred: forward passes without gradients. */
    public static final DeferredGradients NONE = new DeferredGradients(List.of());

    /**
     * @param weight the trained parameter's name (as in {@link Params#trainable()})
     * @param slot the zero leaf (S, B, out) whose gradient is each step's gate gradient
     * @param inputs what each step multiplied by the weight, stacked and detached: (S, B, in)
     */
    record Pending(String weight, NDArray slot, NDArray inputs) {
    }

    private final List<Pending> pending;

    DeferredGradients(List<Pending> pending) {
        this.pending = List.copyOf(pending);
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The parameter names whose gradients {@link #addTo} completes. */
    public List<String> weights() {
        return pending.stream().map(Pending::weight).toList();
    }

    /**
     * Adds each deferred weight gradient to {@code grads.get(name)} in place (the arrays the caller
     * then clips and steps with); temporaries live in {@code scope}.
     */
    public void addTo(Map<String, NDArray> grads, NDManager scope) {
        for (Pending p : pending) {
            NDArray target = grads.get(p.weight());
            if (target == null) {
                throw new IllegalStateException("no gradient array for " + p.weight() + " among " + grads.keySet());
            }
            NDArray delta = p.slot().getGradient();
            delta.attach(scope);
            long out = delta.getShape().get(2);
            long in = p.inputs().getShape().get(2);
            NDArray g = delta.reshape(-1, out).transpose().matMul(p.inputs().reshape(-1, in));
            target.addi(g);
        }
    }
}
