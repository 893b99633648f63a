package org.smarttuner.config;

import java.time.Duration;
import java.util.Optional;
import org.smarttuner.tts.train.EpochMetrics;

/** The study: what is optimised, how long, and by which sampler and pruner. */
public record StudyConfig(
        String name,
        String direction,
        String metric,
        int nTrials,
        Optional<Duration> timeout,
        Optional<Double> targetValue,
        int maxFailures,
        SamplerConfig sampler,
        PrunerConfig pruner) {

    public static final String[] METRICS = EpochMetrics.STUDY_METRICS.toArray(String[]::new);

    static StudyConfig read(ConfigReader r) {
        String name = r.requiredString("name", "letters, digits, '.', '_' and '-'");
        if (!name.isEmpty() && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            r.error("name", "'" + name + "' is not a valid study name",
                    "1 to 128 letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        String metric;
        if ("alignment_score".equals(r.optString("metric").orElse(null))) {
            metric = "attention_sharpness";
            r.error("metric", "'alignment_score' was renamed 'attention_sharpness' (it measures how peaked the "
                    + "teacher-forced attention is, not whether it walks the text: for that use val_attention)",
                    "one of " + String.join(", ", METRICS));
        } else {
            metric = r.choice("metric", "val_loss", METRICS);
        }
        boolean larger = EpochMetrics.largerIsBetter(metric);
        String direction = r.choice("direction", larger ? "maximize" : "minimize", "minimize", "maximize");
        if (direction.equals(larger ? "minimize" : "maximize")) {
            r.error("direction", "direction " + direction + " would " + (larger ? "minimize " : "maximize ") + metric
                    + ", for which " + (larger ? "larger" : "smaller") + " is better",
                    (larger ? "maximize" : "minimize") + " (or leave direction out) for " + metric);
        }
        int nTrials = r.intValue("n_trials", 20, Range.closed(1, 1_000_000));
        Optional<Duration> timeout = r.optDuration("timeout");
        Optional<Double> target = r.optNumber("target_value", Range.ANY);
        if (target.isPresent() && !Double.isFinite(target.get())) {
            // Trials stop at the first epoch that reaches the target: an infinite one would be no target at all.
            r.error("target_value", "value " + target.get() + " is not finite",
                    "a finite number: the value of study.metric at which the study stops");
            target = Optional.empty();
        }
        int maxFailures = r.intValue("max_failures", 5, Range.closed(1, 1_000_000));
        ConfigReader s = r.section("sampler");
        SamplerConfig sampler = SamplerConfig.read(s);
        s.finish();
        ConfigReader p = r.section("pruner");
        PrunerConfig pruner = PrunerConfig.read(p);
        p.finish();
        return new StudyConfig(name, direction, metric, nTrials, timeout, target, maxFailures, sampler, pruner);
    }

    public boolean maximize() {
        return direction.equals("maximize");
    }
}
