package org.smarttuner.tracking;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the parent run of a study records.
 *
 * @param name          study name (run name and tag {@code smarttuner.study}; also how a resumed study
 *                      finds its parent run when no id was kept)
 * @param config        the study's config flattened to keys (logged as params; values are formatted
 *                      canonically, see {@link ParamFormat})
 * @param sampler       sampler description, logged as param {@code sampler}
 * @param pruner        pruner description, logged as param {@code pruner}
 * @param datasetHash   hash of the dataset and audio settings, logged as param {@code dataset_hash}
 * @param codeVersion   tool version or commit, tag {@code smarttuner.code_version}
 * @param parentRunId   the parent run id kept from an earlier run of this study, to reuse it
 * @param studyId       the study's own id, made when the study was created (tag {@code smarttuner.study_id}):
 *                      what a resumed study finds its runs by, so a new study that reuses a name gets runs of
 *                      its own; empty: runs are found by name (tools and tests without a study record)
 * @param byNameToo     with a study id, also take a parent run tagged with the name only (a study tracked
 *                      before study ids); false for a study created with its id
 */
public record StudyInfo(String name, Map<String, ?> config, String sampler, String pruner, String datasetHash,
                        String codeVersion, Optional<String> parentRunId, Optional<String> studyId,
                        boolean byNameToo) {
    /** A study without an id: its runs are found by its name. */
    public StudyInfo(String name, Map<String, ?> config, String sampler, String pruner, String datasetHash,
                     String codeVersion, Optional<String> parentRunId) {
        this(name, config, sampler, pruner, datasetHash, codeVersion, parentRunId, Optional.empty(), true);
    }

    /** This study with its id (see {@code StudyIdentity#studyId}). */
    public StudyInfo withStudyId(String id, boolean alsoByName) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a study id must not be blank");
        }
        return new StudyInfo(name, config, sampler, pruner, datasetHash, codeVersion, parentRunId, Optional.of(id),
                alsoByName);
    }

    public StudyInfo {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("study name must not be blank");
        }
        config = Map.copyOf(config);
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(pruner, "pruner");
        Objects.requireNonNull(datasetHash, "datasetHash");
        Objects.requireNonNull(codeVersion, "codeVersion");
        Objects.requireNonNull(parentRunId, "parentRunId");
        Objects.requireNonNull(studyId, "studyId");
    }
}
