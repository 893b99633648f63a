package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;

/**
 * What one forward pass gives: mel (B, n_mels, F) before and after the postnet, gate logits
 * (B, F), attention weights (B, F / n_frames_per_step, T), and the weight gradients the training
 * pass left to be computed after its backward pass ({@link DeferredGradients#NONE} otherwise).
 */
public record Tacotron2Output(NDArray mel, NDArray melPostnet, NDArray gate, NDArray alignments,
        DeferredGradients deferred) {
    /** An output with nothing deferred (evaluation, or built by hand). */
    public Tacotron2Output(NDArray mel, NDArray melPostnet, NDArray gate, NDArray alignments) {
        this(mel, melPostnet, gate, alignments, DeferredGradients.NONE);
    }
}
