package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.ExecutionConfig;
import org.smarttuner.config.TunerConfig;

/** bench target's two arms: the tuned study as configured, and random search training each trial straight. */
class BenchTargetArmTest {
    @TempDir
    Path dir;

    TunerConfig config(String pruner) {
        String yaml = """
                study:
                  name: arms
                  n_trials: 8
                  sampler: {type: tpe, seed: 3}
                  pruner: %s
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 9}
                execution: {parallelism: 2, checkpoint_dir: ck, segment_epochs: 2}
                """.formatted(pruner);
        return new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", List.of(), Map.of());
    }

    @Test
    void theRandomArmTrainsEachTrialAsOneSegmentOfAllItsEpochs() {
        TunerConfig c = config("{type: asha, min_resource: 1, reduction_factor: 3}");
        TunerConfig random = BenchTargetCommand.arm(c, 0.5, true);
        assertEquals("random", random.study().sampler().type());
        assertEquals("none", random.study().pruner().type());
        assertEquals(Optional.of(0.5), random.study().targetValue());
        ExecutionConfig e = random.execution();
        assertEquals(9, e.segmentEpochs());
        assertEquals(new ExecutionConfig(c.execution().master(), 2, c.execution().gpusPerTrial(),
                c.execution().device(), c.execution().taskRetries(), c.execution().trialRetries(),
                c.execution().checkpointDir(), 9), e, "only segment_epochs changes");
        // The pruner's max_resource, when set, is the trial's length.
        assertEquals(6, BenchTargetCommand.arm(config("{type: asha, max_resource: 6}"), 0.5, true).execution()
                .segmentEpochs());
    }

    @Test
    void aTimeBudgetGivesBothArmsTheSameTimeoutAndNoTrialLimit() {
        assertEquals(List.of(), BenchTargetCommand.budgetSets(null));
        List<String> sets = BenchTargetCommand.budgetSets(" 8m ");
        assertEquals(List.of("study.timeout=8m", "study.n_trials=1000000"), sets);
        String yaml = "study: {name: b, n_trials: 12, timeout: 15m}\nsearch_space:\n  learning_rate: {type: float, low: 1.0e-5, "
                + "high: 1.0e-1, log: true}\ndata: {corpus: synthetic, path: data}\n";
        TunerConfig c = new ConfigLoader(k -> null, dir).loadText(yaml, "test.yaml", sets, Map.of());
        assertEquals(java.time.Duration.ofMinutes(8), c.study().timeout().orElseThrow());
        assertEquals(1_000_000, c.study().nTrials());
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> BenchTargetCommand.budgetSets("soon"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--budget must be a duration"),
                e.getMessage());
    }

    @Test
    void theTunedArmKeepsItsConfiguration() {
        TunerConfig c = config("{type: asha, min_resource: 1, reduction_factor: 3}");
        TunerConfig tuned = BenchTargetCommand.arm(c, 0.5, false);
        assertEquals(c.execution(), tuned.execution());
        assertEquals(2, tuned.execution().segmentEpochs());
        assertEquals(c.study().sampler(), tuned.study().sampler());
        assertEquals(c.study().pruner(), tuned.study().pruner());
        assertEquals(Optional.of(0.5), tuned.study().targetValue());
    }
}
