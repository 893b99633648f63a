package org.smarttuner.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.smarttuner.config.TunerConfig;
import picocli.CommandLine.Option;

/** {@code --trial N} or {@code --checkpoint PATH}: which trained model a command reads (synthesize, export). */
final class CheckpointOptions {
    @Option(names = "--trial", paramLabel = "N", description = "Use this trial's recorded checkpoint and model "
            + "settings (default: the study's best completed trial).")
    Integer trial;

    @Option(names = "--checkpoint", paramLabel = "PATH", description = "Use this checkpoint file, with the "
            + "configuration's model settings, instead of a study trial's.")
    Path checkpoint;

    /** What picocli cannot check, before anything is read; {@code purpose} completes "the file to ...". */
    void check(StudySourceOptions source, String purpose) {
        CheckpointChoice.checkOptions(checkpoint, trial, source, purpose);
    }

    CheckpointChoice choose(StudySourceOptions source, TunerConfig config) throws IOException {
        return CheckpointChoice.choose(checkpoint, trial, source, config);
    }
}
