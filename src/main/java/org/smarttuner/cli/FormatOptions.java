package org.smarttuner.cli;

import picocli.CommandLine.Option;

/** Optuna's {@code -f/--format} and {@code --flatten}; each verb has Optuna's default format. */
final class FormatOptions {
    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "json, yaml, table or value (Optuna's choices; default as Optuna's for this verb).")
    OutputFormat format;

    @Option(names = "--flatten", description = "Flatten nested columns: params_x instead of params: {x: ...}.")
    boolean flatten;

    OutputFormat or(OutputFormat optunaDefault) {
        return format == null ? optunaDefault : format;
    }
}
