package org.smarttuner.tts.model;

/** torch.nn.init.calculate_gain values NVIDIA's Tacotron2 initialises its layers with. */
final class Gains {
    static final double LINEAR = 1.0;
    static final double SIGMOID = 1.0;
    static final double TANH = 5.0 / 3.0;
    static final double RELU = Math.sqrt(2.0);

    private Gains() {
    }
}
