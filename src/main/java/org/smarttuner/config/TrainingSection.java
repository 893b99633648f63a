package org.smarttuner.config;

import java.util.List;
import org.smarttuner.tts.train.TrainingSettings;

/** Reads the training section into {@link TrainingSettings}. */
final class TrainingSection {
    private TrainingSection() {
    }

    static TrainingSettings read(ConfigReader r, PathResolver paths) {
        int epochs = r.intValue("epochs", 20, Range.closed(1, 1_000_000));
        int batch = r.intValue("batch_size", 16, Range.closed(1, 4096));
        String opt = r.choice("optimizer", "adam", "adam", "adamw");
        double lr = r.number("learning_rate", 1e-3, Range.openClosed(0, 10));
        double wd = r.number("weight_decay", 1e-6, Range.closed(0, 1));
        double b1 = r.number("adam_beta1", 0.9, Range.closedOpen(0, 1));
        double b2 = r.number("adam_beta2", 0.999, Range.closedOpen(0, 1));
        double eps = r.number("adam_epsilon", 1e-6, Range.open(0, 1));
        double clip = r.number("grad_clip_norm", 1.0, Range.greaterThan(0));
        String schedule = r.choice("lr_schedule", "constant", "constant", "step", "noam");
        double decay = r.number("lr_decay_rate", 0.5, Range.openClosed(0, 1));
        int decayEpochs = r.intValue("lr_decay_epochs", 10, Range.closed(1, 1_000_000));
        int warmup = r.intValue("warmup_steps", 4000, Range.closed(1, 10_000_000));
        double ga = r.number("guided_attention_weight", 0.0, Range.atLeast(0));
        double gaSigma = r.number("guided_attention_sigma", 0.2, Range.greaterThan(0));
        double gatePositive = r.number("gate_positive_weight", 5.0, Range.closed(1e-3, 1e4));
        long seed = r.integer("seed", 1234, Range.ANY);
        int freeRunEvery = r.intValue("free_run_every", 1, Range.closed(0, 1_000_000));
        int freeRunUtterances = r.intValue("free_run_utterances", 32, Range.closed(0, 1_000_000));
        double freeRunMaxLength = r.number("free_run_max_length", 2.0, Range.closed(1.0, 100.0));
        int mcd = r.intValue("mcd_coefficients", 13, Range.closed(1, 1000));
        String initFrom = r.string("init_from", "").trim();
        if (!initFrom.isEmpty()) {
            initFrom = paths.resolve(initFrom);
            if (paths.isLocal(initFrom) && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(initFrom))) {
                r.error("init_from", "file " + initFrom + " does not exist", "a PyTorch checkpoint (.pt) or "
                        + ".safetensors of NVIDIA's Tacotron2, or one of this tool's checkpoints");
            }
        }
        List<String> initIgnore = r.stringList("init_ignore", TrainingSettings.DEFAULT_INIT_IGNORE);
        // GPU math: TF32 tensor cores (Ampere+) and cuDNN's autotuner; recorded with every trial.
        boolean tf32 = r.bool("tf32", true);
        boolean cudnnBenchmark = r.bool("cudnn_benchmark", true);
        return new TrainingSettings(epochs, batch, opt, lr, wd, b1, b2, eps, clip, schedule, decay, decayEpochs, warmup,
                ga, gaSigma, gatePositive, seed, freeRunEvery, freeRunUtterances, freeRunMaxLength, mcd, initFrom,
                initIgnore, tf32, cudnnBenchmark);
    }
}
