package org.smarttuner.tts.train;

/** One optimizer step: total loss, gradient norm before clipping, learning rate used. */
public record StepStats(double loss, double gradNorm, double learningRate) {
}
