package org.smarttuner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Optuna's two-word verbs {@code storage ...}: {@code storage upgrade}. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Study file schema: upgrade.",
        subcommands = StorageUpgradeCommand.class)
final class StorageCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "storage needs a subcommand: upgrade");
    }
}
