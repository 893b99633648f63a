package org.smarttuner.tts.model;

import java.io.Serializable;

/** Tacotron2 sizes (names as in NVIDIA's hparams). */
public record ModelSettings(
        String preset,
        int symbolsEmbeddingDim,
        int encoderNConvolutions,
        int encoderKernelSize,
        int encoderEmbeddingDim,
        double encoderDropout,
        int attentionRnnDim,
        int attentionDim,
        int attentionLocationNFilters,
        int attentionLocationKernelSize,
        int decoderRnnDim,
        int prenetDim,
        double prenetDropout,
        int postnetEmbeddingDim,
        int postnetKernelSize,
        int postnetNConvolutions,
        double postnetDropout,
        int nFramesPerStep,
        double pAttentionDropout,
        double pDecoderDropout,
        double gateThreshold,
        int maxDecoderSteps) implements Serializable {
    private static final long serialVersionUID = 1L;
}
