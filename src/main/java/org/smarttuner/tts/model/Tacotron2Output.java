package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;

/**
 * What one forward pass gives: mel (B, n_mels, F) before and after the postnet, gate logits
 * (B, F) and attention weights (B, F / n_frames_per_step, T).
 */
public record Tacotron2Output(NDArray mel, NDArray melPostnet, NDArray gate, NDArray alignments) {
}
