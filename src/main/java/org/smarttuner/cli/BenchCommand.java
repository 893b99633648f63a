package org.smarttuner.cli;

import picocli.CommandLine.Command;

/** Benchmarks (figures for notes and reviews, never assertions). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: `bench sampler` compares samplers on test functions; `bench storage` measures the study file.",
        subcommands = {BenchSamplerCommand.class, BenchStorageCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: sampler");
    }
}
