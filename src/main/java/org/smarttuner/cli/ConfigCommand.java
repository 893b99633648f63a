package org.smarttuner.cli;

import java.util.concurrent.Callable;
import org.smarttuner.config.ConfigPrinter;
import org.smarttuner.config.TunerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Validates a configuration and prints it resolved. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Validate a configuration and print it resolved.",
            "Defaults are filled in, --set overrides and environment variables applied.",
            "Every problem is reported at once; exit code 2 if there is any."})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--format", defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).")
    ConfigPrinter.Format format;

    @Option(names = {"-q", "--quiet"}, description = "Only validate; print nothing on success.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TunerConfig config = options.load();
        if (!quiet) {
            spec.commandLine().getOut().print(ConfigPrinter.print(config, format));
            spec.commandLine().getOut().flush();
        }
        return Main.OK;
    }
}
