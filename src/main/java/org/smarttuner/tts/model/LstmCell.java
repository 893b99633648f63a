package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * The LSTM cell DJL lacks, fused: the caller computes all four gates with ONE matmul over
 * [input, h] (weight 4H x (I + H)), laid out [input, forget, output | cell] so that one sigmoid
 * covers the three gates and one tanh the candidate. Nine native calls per step.
 * States are (1, B, H): the leading step axis lets per-step slices of precomputed inputs be used
 * without a squeeze.
 */
record LstmCell(NDArray h, NDArray c) {

    static LstmCell step(NDArray gates, NDArray c, int hidden) {
        NDList parts = gates.split(new long[] {3L * hidden}, 2);
        NDList ifo = Activation.sigmoid(parts.get(0)).split(3, 2);
        NDArray g = Activation.tanh(parts.get(1));
        NDArray next = ifo.get(1).mul(c).addi(ifo.get(0).mul(g));
        return new LstmCell(ifo.get(2).mul(Activation.tanh(next)), next);
    }
}
