package org.smarttuner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

class ConfigLoaderTest {
    @TempDir
    Path dir;
    ConfigTestSupport t;

    @BeforeEach
    void setUp() {
        t = new ConfigTestSupport(dir);
    }

    @Test
    void validConfigLoadsWithDefaults() {
        TunerConfig c = t.load(ConfigTestSupport.VALID);
        assertEquals("unit", c.study().name());
        assertEquals("minimize", c.study().direction());
        assertEquals(10, c.study().nTrials());
        assertEquals("tpe", c.study().sampler().type());
        assertEquals(24, c.study().sampler().nEiCandidates());
        assertEquals(List.of("learning_rate", "batch_size", "optimizer"), List.copyOf(c.searchSpace().keySet()));
        assertEquals(FloatDistribution.logUniform(1e-4, 1e-2), c.searchSpace().get("learning_rate"));
        assertEquals(new IntDistribution(8, 32, false, 8), c.searchSpace().get("batch_size"));
        assertEquals(CategoricalDistribution.of("adam", "adamw"), c.searchSpace().get("optimizer"));
        assertEquals(128, c.model().symbolsEmbeddingDim(), "small preset");
        assertEquals(22050, c.data().audio().sampleRate());
        assertEquals(dir.resolve("data/syn").toString(), c.data().path(), "relative paths resolve in the work dir");
        assertEquals(dir.resolve("work/study.db").toString(), c.output().sqlitePath());
        assertTrue(c.output().mlflow().trackingUri().isEmpty());
    }

    @Test
    void anEmptyReportPathMeansNoReport() {
        TunerConfig c = t.loader().load(null, List.of("output.report_path="), Map.of());
        assertTrue(c.output().reportPath().isEmpty(), "not the folder we run from: " + c.output().reportPath());
        assertEquals(dir.resolve("work/report.html").toString(), t.loader().load(null, List.of(), Map.of()).output()
                .reportPath().orElseThrow());
    }

    @Test
    void embeddedDefaultIsValid() {
        TunerConfig c = t.loader().load(null, List.of(), Map.of());
        assertEquals("demo", c.study().name());
        assertEquals("small", c.model().preset());
        assertFalse(c.searchSpace().isEmpty());
    }

    @Test
    void shippedConfigFilesAreValid() {
        Path root = Path.of(System.getProperty("smarttuner.project.dir", "."));
        t.env.put("LJSPEECH_DIR", dir.toString());
        try {
            Files.writeString(dir.resolve("metadata.csv"), "LJ001-0001|Hi.|Hi.\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String f : List.of("conf/local.yaml", "conf/gpu-cluster.yaml", "conf/espeak-demo.yaml")) {
            TunerConfig c = t.loader().load(root.resolve(f), List.of(), Map.of());
            assertFalse(c.searchSpace().isEmpty(), f);
        }
    }

    @Test
    void setOverridesWinOverFileAndSparkConf() {
        TunerConfig c = t.loader().loadText(ConfigTestSupport.VALID, "test.yaml",
                List.of("study.n_trials=50", "search_space.learning_rate.high=0.05", "execution.parallelism=4"),
                Map.of("spark.smarttuner.study.n_trials", "30", "spark.smarttuner.training.epochs", "12",
                        "spark.smarttuner.config", "ignored.yaml", "spark.executor.memory", "4g"));
        assertEquals(50, c.study().nTrials(), "--set beats spark conf");
        assertEquals(12, c.training().epochs(), "spark conf beats the file");
        assertEquals(0.05, ((FloatDistribution) c.searchSpace().get("learning_rate")).high());
        assertEquals(4, c.execution().parallelism());
    }

    @Test
    void setCanAddAWholeSearchSpaceEntry() {
        TunerConfig c = t.load(ConfigTestSupport.VALID, "search_space.p_decoder_dropout={low: 0.0, high: 0.4}");
        assertEquals(FloatDistribution.of(0.0, 0.4), c.searchSpace().get("p_decoder_dropout"));
    }

    @Test
    void environmentInterpolation() {
        t.env.put("STUDY", "from-env");
        t.env.put("TRIALS", "7");
        TunerConfig c = t.load(ConfigTestSupport.VALID.replace("name: unit", "name: ${STUDY}")
                .replace("n_trials: 10", "n_trials: ${TRIALS}") + "execution: {checkpoint_dir: '${CKPT:-/tmp/ck}'}\n"
                + "output: {mlflow: {experiment: 'cost$${NOT_A_VAR}'}}\n");
        assertEquals("from-env", c.study().name());
        assertEquals(7, c.study().nTrials(), "interpolated strings are typed after substitution");
        assertEquals("/tmp/ck", c.execution().checkpointDir(), "default used when unset");
        assertEquals("cost${NOT_A_VAR}", c.output().mlflow().experiment(), "$${ stays literal");
    }

    @Test
    void durationsAndSamplerSpecificKeys() {
        TunerConfig c = t.load(ConfigTestSupport.VALID.replace("n_trials: 10", "n_trials: 10\n  timeout: 1h30m")
                .replace("{type: tpe, seed: 1}", "{type: cmaes, sigma0: 0.3, independent_sampler: random}"));
        assertEquals(Duration.ofMinutes(90), c.study().timeout().orElseThrow());
        assertEquals(java.util.Optional.empty(), c.execution().segmentTimeout(), "no segment limit by default");
        assertEquals(Duration.ofMinutes(45), t.load(ConfigTestSupport.VALID, "execution.segment_timeout=45m")
                .execution().segmentTimeout().orElseThrow());
        assertEquals(0.3, c.study().sampler().sigma0().orElseThrow());
        assertEquals("random", c.study().sampler().independentSampler());
        assertEquals("none", c.study().sampler().restartStrategy(), "no restart by default, as Optuna 5");
        TunerConfig ipop = t.load(ConfigTestSupport.VALID.replace("{type: tpe, seed: 1}",
                "{type: cmaes, restart_strategy: ipop}"));
        assertEquals("ipop", ipop.study().sampler().restartStrategy());
    }

    @Test
    void trialParamsReplaceBaseSettings() {
        TunerConfig c = t.load(ConfigTestSupport.VALID);
        var training = c.training(Map.of("learning_rate", 0.004, "batch_size", 24L, "optimizer", "adamw"));
        assertEquals(0.004, training.learningRate());
        assertEquals(24, training.batchSize());
        assertEquals("adamw", training.optimizer());
        assertEquals(c.training().epochs(), training.epochs(), "untouched keys keep the base value");
        assertEquals(c.model(), c.model(Map.of("learning_rate", 0.004)), "training keys do not change the model");
        assertEquals(256, c.model(Map.of("decoder_rnn_dim", 256L)).decoderRnnDim());
    }

    @Test
    void printedConfigReloadsToTheSameValues() {
        TunerConfig c = t.load(ConfigTestSupport.VALID);
        String yaml = ConfigPrinter.print(c, ConfigPrinter.Format.YAML);
        assertTrue(yaml.contains("learning_rate:"), yaml);
        TunerConfig again = t.loader().loadText(yaml, "printed.yaml", List.of(), Map.of());
        assertEquals(c.study(), again.study());
        assertEquals(c.searchSpace(), again.searchSpace());
        assertEquals(c.model(), again.model());
        assertEquals(c.training(), again.training());
        assertEquals(c.data(), again.data());
    }
}
