package org.smarttuner.cli;

import java.util.List;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.StudyMirror;

/** The mirrors a study keeps besides Delta, from the configuration. */
final class Mirrors {
    private Mirrors() {
    }

    static List<StudyMirror> open(TunerConfig config) {
        return List.of();
    }
}
