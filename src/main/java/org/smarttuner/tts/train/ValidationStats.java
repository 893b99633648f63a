package org.smarttuner.tts.train;

/** Validation means (weighted by utterances) and the mean alignment diagonal score. */
public record ValidationStats(double loss, double mel, double melPostnet, double gate, double attentionSharpness,
        float[][] sampleAlignment) {
}
