package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/**
 * Character embedding, a stack of Conv1d + BatchNorm + ReLU + dropout, and a bidirectional LSTM.
 *
 * <p>The BiLSTM is two one-way LSTMs: DJL's bidirectional LSTM fails on the PyTorch engine. Neither
 * takes lengths, so the backward one reads each sequence reversed within its own length (padding
 * stays at the end), then its output is put back in order. Padded positions are zeroed after the
 * embedding and after every conv so real tokens near the end see zeros, exactly like the conv's own
 * "same" padding, never the pad symbol's embedding.
 */
final class Encoder {
    private final NDArray embedding;
    private final List<ConvBatchNorm> convs = new ArrayList<>();
    private final float dropout;
    private final int hidden;
    private final NDList forward;
    private final NDList backward;

    Encoder(Params p, ModelSettings s, int nSymbols) {
        double std = Math.sqrt(2.0 / (nSymbols + s.symbolsEmbeddingDim()));
        embedding = p.uniform("encoder.embedding", new Shape(nSymbols, s.symbolsEmbeddingDim()), Math.sqrt(3.0) * std);
        int in = s.symbolsEmbeddingDim();
        for (int i = 0; i < s.encoderNConvolutions(); i++) {
            convs.add(new ConvBatchNorm(p, "encoder.conv" + i, in, s.encoderEmbeddingDim(), s.encoderKernelSize(),
                    Gains.RELU));
            in = s.encoderEmbeddingDim();
        }
        dropout = (float) s.encoderDropout();
        hidden = s.encoderEmbeddingDim() / 2;
        forward = lstm(p, "encoder.lstm.forward", in, hidden);
        backward = lstm(p, "encoder.lstm.backward", in, hidden);
    }

    private static NDList lstm(Params p, String name, int in, int hidden) {
        double bound = 1.0 / Math.sqrt(hidden);
        return new NDList(
                p.uniform(name + ".weight_ih", new Shape(4L * hidden, in), bound),
                p.uniform(name + ".weight_hh", new Shape(4L * hidden, hidden), bound),
                p.uniform(name + ".bias_ih", new Shape(4L * hidden), bound),
                p.uniform(name + ".bias_hh", new Shape(4L * hidden), bound));
    }

    /**
     * @param text (B, T) int64
     * @param textMask (B, T) float32, 1 for real tokens
     * @param lengths real tokens per row
     * @return memory (B, T, encoder_embedding_dim), zero at padded positions
     */
    NDArray apply(NDArray text, NDArray textMask, long[] lengths, boolean training, NDManager scope) {
        long b = text.getShape().get(0);
        long t = text.getShape().get(1);
        NDArray channelMask = textMask.reshape(b, 1, t);
        NDArray x = Embedding.embedding(text, embedding, SparseFormat.DENSE).singletonOrThrow();
        x = x.transpose(0, 2, 1).mul(channelMask);
        for (ConvBatchNorm conv : convs) {
            x = Activation.relu(conv.apply(x, training, scope));
            x = Dropout.dropout(x, dropout, training).singletonOrThrow().mul(channelMask);
        }
        x = x.transpose(0, 2, 1);
        long c = x.getShape().get(2);
        NDArray reverse = scope.create(reverseIndex(lengths, (int) t), new Shape(b, t, 1))
                .toType(DataType.INT64, false);
        NDArray fwd = run(x, forward, training, scope);
        NDArray bwdReversed = run(x.gather(reverse.broadcast(b, t, c), 1), backward, training, scope);
        NDArray bwd = bwdReversed.gather(reverse.broadcast(b, t, hidden), 1);
        return NDArrays.concat(new NDList(fwd, bwd), 2).mul(textMask.reshape(b, t, 1));
    }

    private NDArray run(NDArray x, NDList weights, boolean training, NDManager scope) {
        Shape state = new Shape(1, x.getShape().get(0), hidden);
        NDList h0 = new NDList(scope.zeros(state), scope.zeros(state));
        return x.getNDArrayInternal().lstm(x, h0, weights, true, 1, 0.0, training, false, true).get(0);
    }

    /** Position t of row b reads t' = len-1-t inside the sequence; padding maps to itself. */
    static long[] reverseIndex(long[] lengths, int t) {
        long[] idx = new long[lengths.length * t];
        for (int b = 0; b < lengths.length; b++) {
            for (int i = 0; i < t; i++) {
                idx[b * t + i] = i < lengths[b] ? lengths[b] - 1 - i : i;
            }
        }
        return idx;
    }
}
