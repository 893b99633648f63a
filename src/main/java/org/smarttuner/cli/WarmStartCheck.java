package org.smarttuner.cli;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.config.ConfigError;
import org.smarttuner.config.ConfigException;
import org.smarttuner.config.Source;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.interop.WarmStart;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.train.TrainingSettings;

/**
 * Before any Spark job or training: the file {@code training.init_from} names is read and the model
 * section is checked against it (the sizes, by name, when they differ), so a study does not start
 * trials that cannot load it. A configuration error (exit 2) otherwise.
 */
final class WarmStartCheck {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStartCheck.class);

    private WarmStartCheck() {
    }

    static void verify(TunerConfig config) {
        TrainingSettings t = config.training();
        if (!t.warmStart()) {
            return;
        }
        try {
            String what = WarmStart.check(t.initFrom(), config.model(), Symbols.count(), config.data().audio().nMels(),
                    t.initIgnore());
            LOG.info("every trial starts from {}", what);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(Source.file(config.source(), 0, 0), "training.init_from",
                    e.getMessage(), "a PyTorch checkpoint (.pt) or .safetensors of NVIDIA's Tacotron2 or a Smart Tuner "
                    + "checkpoint whose sizes the model section matches")));
        }
    }
}
