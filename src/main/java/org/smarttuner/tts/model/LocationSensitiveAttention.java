package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;

/**
 * Location-sensitive attention (Chorowski et al. 2015, as in Tacotron2): energies
 * v . tanh(W q + U m + F * [w_prev; w_cum]), padded text positions masked out before the softmax.
 *
 * <p>Work per decoder step is kept small: the memory projection U m and the additive mask are
 * computed once per batch ({@link #prepare}); the location conv (filters) and the dense layer after
 * it (no bias, no nonlinearity between) are multiplied into one (attention_dim, 2, kernel) kernel
 * once per batch, so each step runs one conv (on the CPU: one gather + one matmul) instead of a conv,
 * a transpose and a matmul. The two factors stay the trained parameters (same model as NVIDIA's).
 * Energies live as (B, A, T) so that v is a (1, A) matmul and the weights come out as (B, 1, T),
 * the shape the context matmul needs.
 */
final class LocationSensitiveAttention {
    private final Dense query;
    private final Dense memoryLayer;
    private final NDArray v;
    private final NDArray locationConv;
    private final NDArray locationDense;
    private final int attentionDim;
    private final Shape locationPadding;

    LocationSensitiveAttention(Params p, ModelSettings s) {
        attentionDim = s.attentionDim();
        query = new Dense(p, "attention.query", s.attentionRnnDim(), attentionDim, false, Gains.TANH);
        memoryLayer = new Dense(p, "attention.memory", s.encoderEmbeddingDim(), attentionDim, false, Gains.TANH);
        v = p.xavier("attention.v", new Shape(1, attentionDim, 1), Gains.LINEAR);
        int filters = s.attentionLocationNFilters();
        int kernel = s.attentionLocationKernelSize();
        locationConv = p.xavier("attention.location.conv", new Shape(filters, 2, kernel), Gains.LINEAR);
        locationDense = p.xavier("attention.location.dense", new Shape(attentionDim, filters), Gains.TANH);
        locationPadding = new Shape((kernel - 1) / 2);
    }

    /** What every step of one batch shares; every array lives in the batch's scope. */
    record Memory(NDArray memory, NDArray processed, NDArray maskBias, NDArray locationKernel, NDArray vRow,
            NDArray padding, NDArray gatherIndex, boolean gpu) {
    }

    /**
     * @param memory (B, T, E) encoder output
     * @param textMask (B, T) 1 for real tokens
     */
    Memory prepare(NDArray memory, NDArray textMask, NDManager scope) {
        long b = memory.getShape().get(0);
        long t = memory.getShape().get(1);
        NDArray processed = memoryLayer.apply(memory).transpose(0, 2, 1);
        // -1e4 rather than -inf: exp underflows to exactly 0 in float32 and a fully masked row stays finite
        NDArray maskBias = textMask.sub(1f).mul(1e4f).reshape(b, 1, t);
        long filters = locationConv.getShape().get(0);
        long kernel = locationConv.getShape().get(2);
        NDArray flat = local(locationConv.reshape(filters, 2 * kernel), scope);
        NDArray combined = local(locationDense.matMul(flat), scope);
        boolean gpu = SameConv.nativeConv(memory.getDevice());
        NDArray locationKernel = gpu ? local(combined.reshape(attentionDim, 2, kernel), scope) : combined;
        NDArray vRow = local(v.reshape(1, attentionDim), scope);
        long pad = (kernel - 1) / 2;
        NDArray padding = scope.zeros(new Shape(b, 2, pad));
        NDArray index = gpu ? null : SameConv.gatherIndex(b, 2, t, kernel, scope);
        return new Memory(memory, processed, maskBias, locationKernel, vRow, padding, index, gpu);
    }

    private static NDArray local(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /**
     * @param attentionHidden (1, B, attention_rnn_dim)
     * @param previous (B, 2, T): previous and cumulative weights
     * @return weights (B, 1, T) and context (B, 1, E)
     */
    Result step(Memory m, NDArray attentionHidden, NDArray previous) {
        long b = previous.getShape().get(0);
        long t = previous.getShape().get(2);
        NDArray q = query.apply(attentionHidden).reshape(b, attentionDim, 1);
        NDArray location;
        if (m.gpu()) {
            location = Conv1d.conv1d(previous, m.locationKernel(), null, new Shape(1), locationPadding,
                    new Shape(1)).singletonOrThrow();
        } else {
            // im2col with one gather (see SameConv for why not libtorch's conv on the CPU)
            NDArray padded = NDArrays.concat(new NDList(m.padding(), previous, m.padding()), 2);
            NDArray cols = padded.gather(m.gatherIndex(), 2).reshape(b, m.locationKernel().getShape().get(1), t);
            location = m.locationKernel().matMul(cols);
        }
        NDArray hidden = Activation.tanh(location.addi(m.processed()).addi(q));
        NDArray energies = m.vRow().matMul(hidden).addi(m.maskBias());
        NDArray weights = energies.softmax(2);
        return new Result(weights, weights.matMul(m.memory()));
    }

    record Result(NDArray weights, NDArray context) {
    }
}
