package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;

/**
 * Two bias-free Linear + ReLU layers with dropout that stays ON at inference too: Tacotron2 relies
 * on that noise to keep the autoregressive decoder from copying its input.
 */
final class Prenet {
    private final Dense first;
    private final Dense second;
    private final float dropout;

    Prenet(Params p, ModelSettings s, int in) {
        first = new Dense(p, "decoder.prenet0", in, s.prenetDim(), false, Gains.LINEAR);
        second = new Dense(p, "decoder.prenet1", s.prenetDim(), s.prenetDim(), false, Gains.LINEAR);
        dropout = (float) s.prenetDropout();
    }

    NDArray apply(NDArray x) {
        NDArray h = Dropout.dropout(Activation.relu(first.apply(x)), dropout, true).singletonOrThrow();
        return Dropout.dropout(Activation.relu(second.apply(h)), dropout, true).singletonOrThrow();
    }
}
