package org.smarttuner.config;

import org.smarttuner.tts.model.ModelSettings;

/** Reads the model section (presets full and small) into {@link ModelSettings}. */
final class ModelSection {
    private ModelSection() {
    }

    private static final Range DIM = Range.closed(1, 8192);
    private static final Range KERNEL = Range.closed(1, 255);
    private static final Range DROPOUT = Range.closedOpen(0, 1);

    static ModelSettings read(ConfigReader r) {
        String preset = r.choice("preset", "full", "full", "small");
        boolean small = preset.equals("small");
        int emb = r.intValue("symbols_embedding_dim", small ? 128 : 512, DIM);
        int encConvs = r.intValue("encoder_n_convolutions", 3, Range.closed(0, 16));
        int encKernel = r.intValue("encoder_kernel_size", 5, KERNEL);
        int encDim = r.intValue("encoder_embedding_dim", small ? 128 : 512, Range.closed(2, 8192));
        double encDrop = r.number("encoder_dropout", 0.5, DROPOUT);
        int attRnn = r.intValue("attention_rnn_dim", small ? 256 : 1024, DIM);
        int attDim = r.intValue("attention_dim", small ? 64 : 128, DIM);
        int locFilters = r.intValue("attention_location_n_filters", small ? 16 : 32, DIM);
        int locKernel = r.intValue("attention_location_kernel_size", small ? 15 : 31, KERNEL);
        int decRnn = r.intValue("decoder_rnn_dim", small ? 256 : 1024, DIM);
        int prenet = r.intValue("prenet_dim", small ? 64 : 256, DIM);
        double prenetDrop = r.number("prenet_dropout", 0.5, DROPOUT);
        int postDim = r.intValue("postnet_embedding_dim", small ? 128 : 512, DIM);
        int postKernel = r.intValue("postnet_kernel_size", 5, KERNEL);
        int postConvs = r.intValue("postnet_n_convolutions", 5, Range.closed(1, 16));
        double postDrop = r.number("postnet_dropout", 0.5, DROPOUT);
        int frames = r.intValue("n_frames_per_step", 1, Range.closed(1, 8));
        double attDrop = r.number("p_attention_dropout", 0.1, DROPOUT);
        double decDrop = r.number("p_decoder_dropout", 0.1, DROPOUT);
        double gate = r.number("gate_threshold", 0.5, Range.open(0, 1));
        int maxSteps = r.intValue("max_decoder_steps", 1000, Range.closed(1, 100_000));
        if (encDim % 2 != 0) {
            r.error("encoder_embedding_dim", "encoder_embedding_dim " + encDim
                    + " is odd; the bidirectional LSTM gives each direction half of it", "an even number");
        }
        for (String k : new String[] {"encoder_kernel_size", "postnet_kernel_size", "attention_location_kernel_size"}) {
            int v = switch (k) {
                case "encoder_kernel_size" -> encKernel;
                case "postnet_kernel_size" -> postKernel;
                default -> locKernel;
            };
            if (v % 2 == 0) {
                r.error(k, k + " " + v + " is even; 'same' padding needs an odd kernel", "an odd number");
            }
        }
        return new ModelSettings(preset, emb, encConvs, encKernel, encDim, encDrop, attRnn, attDim, locFilters,
                locKernel, decRnn, prenet, prenetDrop, postDim, postKernel, postConvs, postDrop, frames, attDrop,
                decDrop, gate, maxSteps);
    }
}
