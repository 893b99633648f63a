package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;

/**
 * The parts of Tacotron2's objective, each a scalar array: masked MSE of the decoder's mel, masked
 * MSE of the postnet mel, masked BCE-with-logits of the stop gate, and the (weighted) guided
 * attention term; {@code total} is their sum and is what backpropagates.
 */
public record LossTerms(NDArray total, NDArray mel, NDArray melPostnet, NDArray gate, NDArray guided) {
}
