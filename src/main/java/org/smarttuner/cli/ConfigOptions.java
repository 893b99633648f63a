package org.smarttuner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import picocli.CommandLine.Option;

/** --config and --set, shared by every command that reads a configuration. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration (default: the embedded conf/local.yaml).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key, e.g. --set study.n_trials=50 (repeatable; wins over the file).")
    List<String> sets = new ArrayList<>();

    public TunerConfig load() {
        return load(Map.of());
    }

    public TunerConfig load(Map<String, String> sparkConf) {
        return ConfigLoader.system().load(config, sets, sparkConf);
    }
}
