package org.smarttuner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Optuna's two-word verbs {@code study ...}: {@code study set-user-attr}. */
@Command(name = "study", mixinStandardHelpOptions = true, description = "Change a study: set-user-attr.",
        subcommands = StudySetUserAttrCommand.class)
final class StudyCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "study needs a subcommand: set-user-attr");
    }
}
