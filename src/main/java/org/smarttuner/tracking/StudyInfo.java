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
 */
public record StudyInfo(String name, Map<String, ?> config, String sampler, String pruner, String datasetHash,
                        String codeVersion, Optional<String> parentRunId) {
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
    }
}
