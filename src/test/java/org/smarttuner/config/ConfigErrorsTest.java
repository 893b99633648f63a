package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.smarttuner.config.ConfigTestSupport.VALID;
import static org.smarttuner.config.ConfigTestSupport.only;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets an error naming file, line, key and what is allowed. */
class ConfigErrorsTest {
    @TempDir
    Path dir;
    ConfigTestSupport t;

    @BeforeEach
    void setUp() {
        t = new ConfigTestSupport(dir);
    }

    private static void assertMessage(ConfigError e, String... parts) {
        String s = e.toString();
        for (String p : parts) {
            assertTrue(s.contains(p), () -> "expected '" + p + "' in: " + s);
        }
    }

    @Test
    void aWarmStartFileThatIsNotThereIsNamed() {
        ConfigError e = only(t.errors(VALID, "training.init_from=weights/tacotron2_statedict.pt"), "training.init_from");
        assertMessage(e, "tacotron2_statedict.pt does not exist", "NVIDIA's Tacotron2");
        ConfigError list = only(t.errors(VALID, "training.init_ignore={a: 1}"), "training.init_ignore");
        assertMessage(list, "must be a list of strings");
    }

    @Test
    void warmStartSettingsLoad() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("w.pt"), "x");
        TunerConfig c = t.load(VALID + "  init_from: w.pt\n  init_ignore: [embedding.weight, decoder.gate_layer.linear_layer.bias]\n");
        assertEquals(dir.resolve("w.pt").toString(), c.training().initFrom());
        assertEquals(java.util.List.of("embedding.weight", "decoder.gate_layer.linear_layer.bias"), c.training().initIgnore());
        assertEquals(java.util.List.of(), t.load(VALID, "training.init_ignore=[]").training().initIgnore());
        assertEquals(java.util.List.of("embedding.weight"), t.load(VALID).training().initIgnore());
        assertEquals("", t.load(VALID).training().initFrom());
    }

    @Test
    void unknownKeySuggestsTheNearestValidOne() {
        ConfigError e = only(t.errors(VALID.replace("n_trials: 10", "n_trails: 10")), "study.n_trails");
        assertEquals(3, e.source().line());
        assertEquals("test.yaml", e.source().origin());
        assertMessage(e, "test.yaml:3:3", "unknown key", "did you mean 'n_trials'?", "keys name");
    }

    @Test
    void unknownSectionSuggestsTheNearestSection() {
        ConfigError e = only(t.errors(VALID + "trainig: {epochs: 3}\n"), "trainig");
        assertMessage(e, "did you mean 'training'?");
    }

    @Test
    void wrongTypeNamesWhatWasFoundAndWhatIsAllowed() {
        assertMessage(only(t.errors(VALID.replace("n_trials: 10", "n_trials: many")), "study.n_trials"),
                "must be a whole number, got 'many'", "an integer from 1 to 1000000");
        assertMessage(only(t.errors(VALID.replace("epochs: 6", "epochs: 2.5")), "training.epochs"),
                "must be a whole number, got 2.5");
        assertMessage(only(t.errors(VALID.replace("epochs: 6", "epochs: [1, 2]")), "training.epochs"),
                "found a list");
        assertMessage(only(t.errors(VALID + "execution: {parallelism: {a: 1}}\n"), "execution.parallelism"),
                "found a mapping");
        assertMessage(only(t.errors(VALID.replace("preset: small", "preset: small\n  prenet_dropout: high")),
                "model.prenet_dropout"), "must be a number, got 'high'");
        assertMessage(only(t.errors(VALID + "execution: {device: gpu, gpus_per_trial: 1, parallelism: 2, "
                + "task_retries: x}\n"), "execution.task_retries"), "whole number");
    }

    @Test
    void targetValueMustBeFinite() {
        // Too large for a double, so it reads as infinite: no trial could ever stop at it.
        assertMessage(only(t.errors(VALID.replace("n_trials: 10", "n_trials: 10\n  target_value: 1.0e400")),
                "study.target_value"), "test.yaml:4:", "is not finite", "a finite number");
        assertMessage(only(t.errors(VALID, "study.target_value=-1e999"), "study.target_value"), "is not finite");
        assertEquals(java.util.Optional.of(0.25), t.load(VALID.replace("n_trials: 10",
                "n_trials: 10\n  target_value: 0.25")).study().targetValue());
    }

    @Test
    void badBooleanAndChoice() {
        assertMessage(only(t.errors(VALID.replace("{type: tpe, seed: 1}", "{type: tpe, multivariate: maybe}")),
                "study.sampler.multivariate"), "true or false");
        assertMessage(only(t.errors(VALID.replace("{type: tpe, seed: 1}", "{type: tpee}")), "study.sampler.type"),
                "'tpee' is not a valid value", "did you mean 'tpe'?", "one of tpe, cmaes, random, grid");
    }

    @Test
    void outOfRangeValues() {
        assertMessage(only(t.errors(VALID.replace("n_trials: 10", "n_trials: 0")), "study.n_trials"),
                "value 0 is out of range", "from 1 to 1000000");
        assertMessage(only(t.errors(VALID + "execution: {parallelism: -1}\n"), "execution.parallelism"),
                "out of range");
        assertMessage(only(t.errors(VALID.replace("path: data/syn", "path: data/syn\n  val_fraction: 1.0")),
                "data.val_fraction"), "out of range", "(exclusive)");
        assertMessage(only(t.errors(VALID.replace("epochs: 6", "epochs: 6\n  learning_rate: 0")),
                "training.learning_rate"), "out of range");
    }

    @Test
    void emptySearchSpace() {
        String noSpace = VALID.replaceAll("(?s)search_space:.*?data:", "search_space: {}\ndata:");
        assertMessage(only(t.errors(noSpace), "search_space"), "the search space is empty");
        String missing = VALID.replaceAll("(?s)search_space:.*?data:", "data:");
        assertMessage(only(t.errors(missing), "search_space"), "the search space is empty");
    }

    @Test
    void lowNotBelowHigh() {
        ConfigError e = only(t.errors(VALID.replace("low: 1.0e-4, high: 1.0e-2", "low: 1.0e-2, high: 1.0e-4")),
                "search_space.learning_rate.low");
        assertMessage(e, "test.yaml:7:", "low 0.01 must be below high 1.0E-4", "low < high");
        assertMessage(only(t.errors(VALID.replace("low: 8, high: 32", "low: 8, high: 8")),
                "search_space.batch_size.low"), "must be below high");
    }

    @Test
    void logScaleNeedsPositiveLow() {
        List<ConfigError> errors = t.errors(VALID.replace("batch_size: {type: int, low: 8, high: 32, step: 8}",
                        "batch_size: {type: int, low: 8, high: 32, step: 8}\n  weight_decay: {low: 0.0, high: 0.1, log: true}"));
        assertMessage(only(errors, "search_space.weight_decay.log"), "a log-scale range needs low > 0");
    }

    @Test
    void stepMustDivideTheRange() {
        ConfigError e = only(t.errors(VALID.replace("low: 8, high: 32, step: 8", "low: 8, high: 30, step: 8")),
                "search_space.batch_size.step");
        assertMessage(e, "step 8 does not divide the range 8..30", "move high to 24");
        String floatStep = VALID.replace("optimizer: [adam, adamw]",
                "optimizer: [adam, adamw]\n  p_decoder_dropout: {low: 0.0, high: 0.25, step: 0.1}");
        assertMessage(only(t.errors(floatStep), "search_space.p_decoder_dropout.step"), "does not divide",
                "move high to 0.2");
        // Decimal steps that binary floats cannot hold exactly still divide.
        t.load(VALID.replace("optimizer: [adam, adamw]",
                "optimizer: [adam, adamw]\n  p_decoder_dropout: {low: 0.0, high: 0.3, step: 0.1}"));
    }

    @Test
    void searchSpaceKeysMustBeTunableSettingsOfTheRightKind() {
        assertMessage(only(t.errors(VALID.replace("learning_rate: {", "learning_rte: {")),
                "search_space.learning_rte"), "not a model or training setting", "did you mean 'learning_rate'?");
        assertMessage(only(t.errors(VALID.replace("[adam, adamw]", "[adam, sgd]")), "search_space.optimizer.choices"),
                "choice sgd is not a value training.optimizer accepts", "one of [adam, adamw]");
        assertMessage(only(t.errors(VALID.replace("{type: int, low: 8, high: 32, step: 8}",
                "{type: float, low: 8, high: 32}")), "search_space.batch_size.type"), "'float' does not fit");
        assertMessage(only(t.errors(VALID.replace("optimizer: [adam, adamw]",
                "optimizer: [adam, adamw]\n  p_attention_dropout: {low: 0.0, high: 1.5}")),
                "search_space.p_attention_dropout.high"), "outside what model.p_attention_dropout allows");
        assertMessage(only(t.errors(VALID.replace("optimizer: [adam, adamw]", "optimizer: []")),
                "search_space.optimizer.choices"), "empty");
        assertMessage(only(t.errors(VALID.replace("optimizer: [adam, adamw]", "optimizer: 3")),
                "search_space.optimizer"), "must be a mapping (type, low, high, log, step) or a list of choices");
        assertMessage(only(t.errors(VALID.replace("{type: float, low: 1.0e-4, high: 1.0e-2, log: true}",
                "{type: float, high: 1.0e-2}")), "search_space.learning_rate.low"), "is required");
    }

    @Test
    void gridSamplerNeedsStepsOnFloats() {
        ConfigError e = only(t.errors(VALID.replace("{type: tpe, seed: 1}", "{type: grid}")),
                "search_space.learning_rate");
        assertMessage(e, "the grid sampler needs a step for every float parameter");
    }

    @Test
    void missingDatasetPath() {
        String lj = VALID.replace("corpus: synthetic\n  path: data/syn", "corpus: ljspeech");
        assertMessage(only(t.errors(lj), "data.path"), "is required but missing", "LJSpeech layout");
        String absent = VALID.replace("corpus: synthetic\n  path: data/syn", "corpus: ljspeech\n  path: /no/such/LJ");
        assertMessage(only(t.errors(absent), "data.path"), "dataset folder /no/such/LJ does not exist");
    }

    @Test
    void datasetFolderWithoutMetadata() throws Exception {
        Files.createDirectories(dir.resolve("lj"));
        String lj = VALID.replace("corpus: synthetic\n  path: data/syn", "corpus: ljspeech\n  path: lj");
        assertMessage(only(t.errors(lj), "data.path"), "has no metadata.csv");
        Files.writeString(dir.resolve("lj/metadata.csv"), "a|b|c\n");
        assertEquals(dir.resolve("lj").toString(), t.load(lj).data().path());
    }

    @Test
    void crossFieldRules() {
        assertMessage(only(t.errors(VALID.replace("path: data/syn", "path: data/syn\n  audio: {win_length: 2048}")),
                "data.audio.win_length"), "longer than filter_length");
        assertMessage(only(t.errors(VALID.replace("path: data/syn",
                "path: data/syn\n  audio: {sample_rate: 16000, mel_fmax: 8001}")), "data.audio.mel_fmax"), "Nyquist");
        assertMessage(only(t.errors(VALID + "execution: {device: cpu, gpus_per_trial: 2}\n"),
                "execution.gpus_per_trial"), "device is cpu");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: asha, min_resource: 9}")),
                "study.pruner.min_resource"), "above the maximum resource 6");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: threshold}")), "study.pruner"),
                "needs lower, upper or both");
        assertMessage(only(t.errors(VALID.replace("preset: small", "preset: small\n  encoder_kernel_size: 4")),
                "model.encoder_kernel_size"), "odd");
        assertMessage(only(t.errors(VALID + "execution: {master: 'locl[2]'}\n"), "execution.master"),
                "not a Spark master URL");
        assertMessage(only(t.errors(VALID.replace("n_trials: 10", "n_trials: 10\n  timeout: soon")), "study.timeout"),
                "not a positive duration");
        assertMessage(only(t.errors(VALID + "execution: {segment_timeout: 0}\n"), "execution.segment_timeout"),
                "not a positive duration", "such as 90s, 30m, 12h or 1h30m");
        assertMessage(only(t.errors(VALID + "execution: {segment_timeout: an hour}\n"), "execution.segment_timeout"),
                "not a positive duration");
        assertMessage(only(t.errors(VALID.replace("name: unit", "name: 'my study!'")), "study.name"),
                "not a valid study name");
    }

    @Test
    void allErrorsAreReportedAtOnceInFileOrder() {
        String bad = VALID.replace("n_trials: 10", "n_trials: 0").replace("epochs: 6", "epochs: x")
                .replace("optimizer: [adam, adamw]", "optimizer: [sgd]").replace("preset: small", "presett: small");
        ConfigException e = assertThrows(ConfigException.class, () -> t.load(bad));
        assertEquals(4, e.errors().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("4 configuration errors:"), e.getMessage());
        List<Integer> lines = e.errors().stream().map(x -> x.source().line()).toList();
        assertEquals(lines.stream().sorted().toList(), lines, "errors come in file order");
    }

    @Test
    void invalidYamlAndDuplicateKeys() {
        ConfigError e = only(t.errors("study:\n  name: [unclosed\n"), "");
        assertMessage(e, "test.yaml:", "not valid YAML");
        ConfigError dup = only(t.errors(VALID.replace("n_trials: 10", "n_trials: 10\n  n_trials: 11")),
                "n_trials");
        assertMessage(dup, "written twice", "first at line 3");
        assertMessage(only(t.errors("- just\n- a list\n"), ""), "top level must be a mapping");
        assertMessage(only(t.errors(VALID + "execution: 5\n"), "execution"),
                "must be a mapping");
    }

    @Test
    void missingFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> t.loader().load(dir.resolve("nope.yaml"), List.of(), Map.of()));
        assertMessage(e.errors().get(0), "nope.yaml", "does not exist");
    }

    @Test
    void environmentVariableWithoutDefault() {
        ConfigError e = only(t.errors(VALID.replace("name: unit", "name: ${STUDY_NAME}")), "");
        assertMessage(e, "test.yaml:2:", "environment variable STUDY_NAME is not set", "${STUDY_NAME:-default}");
    }

    @Test
    void badOverrides() {
        assertMessage(only(t.errors(VALID, "study.n_trials"), ""), "--set study.n_trials",
                "an override must look like key.path=value");
        assertMessage(only(t.errors(VALID, "study..n_trials=3"), "study..n_trials"), "empty part");
        assertMessage(only(t.errors(VALID, "study.name.x=3"), "study.name"), "cannot set a key below it");
        ConfigError e = only(t.errors(VALID, "study.n_trials=-5"), "study.n_trials");
        assertMessage(e, "--set study.n_trials=-5", "out of range");
        ConfigError spark = only(t.loaderErrors(Map.of("spark.smarttuner.study.n_trails", "3")), "study.n_trails");
        assertMessage(spark, "spark conf spark.smarttuner.study.n_trails", "did you mean 'n_trials'?");
    }

    /** Optuna's ASHA/Hyperband keys: bootstrap_count, min_resource: auto (ASHA only), and TPE's group. */
    @Test
    void prunerAndSamplerKeysTakenFromOptuna() {
        TunerConfig auto = t.load(VALID.replace("{type: asha}", "{type: asha, min_resource: auto}"));
        assertTrue(auto.study().pruner().minResource().isEmpty());
        assertTrue(ConfigPrinter.print(auto, ConfigPrinter.Format.YAML).contains("min_resource: auto"),
                "printed back as it loads");
        assertEquals(3, t.load(VALID.replace("{type: asha}", "{type: hyperband, bootstrap_count: 3}")).study().pruner()
                .bootstrapCount());
        assertTrue(t.load(VALID.replace("{type: tpe, seed: 1}", "{type: tpe, seed: 1, group: true}")).study().sampler()
                .group());
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: asha, min_resource: soon}")),
                "study.pruner.min_resource"), "must be a whole number or auto, got 'soon'", "or auto");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: asha, min_resource: [1, 2]}")),
                "study.pruner.min_resource"), "study.pruner.min_resource");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: hyperband, min_resource: auto}")),
                "study.pruner.min_resource"), "hyperband's min_resource cannot be auto");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: asha, min_resource: auto, bootstrap_count: 2}")),
                "study.pruner.bootstrap_count"), "needs a numeric min_resource");
        assertMessage(only(t.errors(VALID.replace("{type: asha}", "{type: asha, bootstrap_count: -1}")),
                "study.pruner.bootstrap_count"), "out of range");
        assertMessage(only(t.errors(VALID.replace("{type: tpe, seed: 1}", "{type: tpe, seed: 1, multivariate: false, "
                + "group: true}")), "study.sampler.group"), "needs multivariate: true");
        assertMessage(only(t.errors(VALID.replace("{type: tpe, seed: 1}", "{type: random, group: true}")),
                "study.sampler.group"), "group");
    }
}
