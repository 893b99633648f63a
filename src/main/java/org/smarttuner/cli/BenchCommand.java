package org.smarttuner.cli;

import picocli.CommandLine.Command;

/** Benchmarks (figures for notes and reviews, never assertions). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks (figures, never pass/fail):",
            "  sampler  samplers on test functions, side by side with Optuna",
            "  storage  the SQLite study file: ask/tell round trips, rows written",
            "  data     feature extraction and batch assembly",
            "  train    Tacotron2 training throughput (mel frames/s, ms/step, peak memory)",
            "  target   time to a target validation loss: the configured tuner against random search",
            "  peer     time to a target against Ray Tune (ASHA + OptunaSearch TPE, PyTorch Tacotron2)"},
        subcommands = {BenchSamplerCommand.class, BenchStorageCommand.class, BenchDataCommand.class,
            BenchTrainCommand.class, BenchTargetCommand.class, BenchDriverCommand.class, BenchPeerCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: sampler, storage, data, train, target, "
                + "driver or peer");
    }
}
