package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/** Conv1d + BatchNorm layers (tanh on all but the last) predicting a residual added to the decoder's mel. */
final class Postnet {
    private final List<ConvBatchNorm> convs = new ArrayList<>();
    private final float dropout;

    Postnet(Params p, ModelSettings s, int nMels) {
        int n = s.postnetNConvolutions();
        for (int i = 0; i < n; i++) {
            int in = i == 0 ? nMels : s.postnetEmbeddingDim();
            int out = i == n - 1 ? nMels : s.postnetEmbeddingDim();
            convs.add(new ConvBatchNorm(p, "postnet.conv" + i, in, out, s.postnetKernelSize(),
                    i == n - 1 ? Gains.LINEAR : Gains.TANH));
        }
        dropout = (float) s.postnetDropout();
    }

    /** mel (B, n_mels, F) to the refined mel (mel + residual). */
    NDArray apply(NDArray mel, boolean training, ai.djl.ndarray.NDManager scope) {
        NDArray x = mel;
        for (int i = 0; i < convs.size(); i++) {
            x = convs.get(i).apply(x, training, scope);
            if (i < convs.size() - 1) {
                x = Activation.tanh(x);
            }
            x = Dropout.dropout(x, dropout, training).singletonOrThrow();
        }
        return x.add(mel);
    }
}
