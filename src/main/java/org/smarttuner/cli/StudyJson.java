package org.smarttuner.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON given on the command line (--search-space, --sampler-kwargs); output goes through {@link PythonJson}. */
final class StudyJson {
    static final JsonMapper MAPPER = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

    private StudyJson() {
    }
}
