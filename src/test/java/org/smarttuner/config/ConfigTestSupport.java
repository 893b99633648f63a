package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A minimal valid configuration, and helpers to load variants of it and inspect their errors. */
final class ConfigTestSupport {
    static final String VALID = """
            study:
              name: unit
              n_trials: 10
              sampler: {type: tpe, seed: 1}
              pruner: {type: asha}
            search_space:
              learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
              batch_size: {type: int, low: 8, high: 32, step: 8}
              optimizer: [adam, adamw]
            data:
              corpus: synthetic
              path: data/syn
            model:
              preset: small
            training:
              epochs: 6
            """;

    final Map<String, String> env = new HashMap<>();
    final Path workDir;

    ConfigTestSupport(Path workDir) {
        this.workDir = workDir;
    }

    ConfigLoader loader() {
        return new ConfigLoader(env::get, workDir);
    }

    TunerConfig load(String yaml, String... sets) {
        return loader().loadText(yaml, "test.yaml", List.of(sets), Map.of());
    }

    List<ConfigError> errors(String yaml, String... sets) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, sets));
        return e.errors();
    }

    List<ConfigError> loaderErrors(Map<String, String> sparkConf) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader().loadText(VALID, "test.yaml", List.of(), sparkConf));
        return e.errors();
    }

    /** The single error on a key, failing with the whole list when there is not exactly one. */
    static ConfigError only(List<ConfigError> errors, String key) {
        List<ConfigError> on = errors.stream().filter(e -> e.key().equals(key)).toList();
        if (on.size() != 1) {
            fail("expected one error on " + key + ", got " + errors);
        }
        return on.get(0);
    }
}
