package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.ExecutionConfig;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.TargetMetric;

/** bench target's two arms: the tuned study as configured, and random search training each trial straight. */
class BenchTargetArmTest {
    private static final TargetMetric VAL_LOSS = TargetMetric.of("val_loss");

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
        TunerConfig random = BenchTargetCommand.arm(c, VAL_LOSS, 0.5, true);
        assertEquals("random", random.study().sampler().type());
        assertEquals("none", random.study().pruner().type());
        assertEquals(Optional.of(0.5), random.study().targetValue());
        ExecutionConfig e = random.execution();
        assertEquals(9, e.segmentEpochs());
        assertEquals(new ExecutionConfig(c.execution().master(), 2, c.execution().gpusPerTrial(),
                c.execution().device(), c.execution().taskRetries(), c.execution().trialRetries(),
                c.execution().checkpointDir(), 9), e, "only segment_epochs changes");
        // The pruner's max_resource, when set, is the trial's length.
        assertEquals(6, BenchTargetCommand.arm(config("{type: asha, max_resource: 6}"), VAL_LOSS, 0.5, true).execution()
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
        TunerConfig tuned = BenchTargetCommand.arm(c, VAL_LOSS, 0.5, false);
        assertEquals(c.execution(), tuned.execution());
        assertEquals(2, tuned.execution().segmentEpochs());
        assertEquals(c.study().sampler(), tuned.study().sampler());
        assertEquals(c.study().pruner(), tuned.study().pruner());
        assertEquals(Optional.of(0.5), tuned.study().targetValue());
        assertEquals("val_loss", tuned.study().metric());
        assertEquals("minimize", tuned.study().direction());
    }

    @Test
    void bothArmsOptimiseTheTimedMetricInItsDirection() {
        TunerConfig c = config("{type: asha, min_resource: 1, reduction_factor: 3}");
        assertEquals("val_loss", c.study().metric());
        TargetMetric attention = TargetMetric.of("val_attention");
        for (boolean random : new boolean[] {false, true}) {
            TunerConfig arm = BenchTargetCommand.arm(c, attention, 0.9, random);
            assertEquals("val_attention", arm.study().metric(), random ? "random" : "tuned");
            assertEquals("maximize", arm.study().direction(), random ? "random" : "tuned");
            assertEquals(Optional.of(0.9), arm.study().targetValue());
        }
        TunerConfig mcd = BenchTargetCommand.arm(c, TargetMetric.of("val_mcd"), 6.0, false);
        assertEquals("val_mcd", mcd.study().metric());
        assertEquals("minimize", mcd.study().direction());
    }

    @Test
    void theStudiesStopAtTheHardestTarget() {
        assertEquals(5.5, BenchTargetCommand.hardest(VAL_LOSS, List.of(5.6, 5.5, 6.0)));
        assertEquals(0.9, BenchTargetCommand.hardest(TargetMetric.of("val_attention"), List.of(0.8, 0.9, 0.5)));
    }

    @Test
    void anUnknownMetricOrATargetOutOfItsRangeIsAUsageError() {
        MainTest.Run r = MainTest.run("bench", "target", "--metric", "mcd", "--target", "5", "--work",
                dir.resolve("w").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--metric: unknown metric 'mcd' (allowed: val_loss, val_mel_loss, val_gate_loss, "
                + "train_loss, attention_sharpness, val_mcd, val_mcd_sl, val_stop_error, val_stop_rate, "
                + "val_attention)"), r.err());
        r = MainTest.run("bench", "target", "--metric", "val_stop_rate", "--target", "0.9,1.5", "--work",
                dir.resolve("w").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--target: target 1.5 is out of range for val_stop_rate: it takes values from 0 "
                + "to 1"), r.err());
        r = MainTest.run("bench", "target", "--target", "NaN", "--work", dir.resolve("w").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--target: the target val_mcd_sl must be a finite number"), r.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("w")), "nothing ran");
    }
}
