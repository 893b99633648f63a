package org.smarttuner.config;

import java.util.Optional;
import java.util.OptionalInt;
import org.smarttuner.study.Rng;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.pruner.HyperbandPruner;
import org.smarttuner.study.pruner.MedianPruner;
import org.smarttuner.study.pruner.NonFinitePruner;
import org.smarttuner.study.pruner.NopPruner;
import org.smarttuner.study.pruner.PatientPruner;
import org.smarttuner.study.pruner.Pruner;
import org.smarttuner.study.pruner.SuccessiveHalvingPruner;
import org.smarttuner.study.pruner.ThresholdPruner;
import org.smarttuner.study.sampler.CmaEsSampler;
import org.smarttuner.study.sampler.GridSampler;
import org.smarttuner.study.sampler.RandomSampler;
import org.smarttuner.study.sampler.Sampler;
import org.smarttuner.study.sampler.TpeSampler;

/** Builds the study engine's sampler, pruner and direction from the typed configuration. */
public final class StudyFactory {
    private StudyFactory() {
    }

    /** A sampler; without a configured seed, a fresh random one (not reproducible, by request). */
    public static Sampler sampler(SamplerConfig c) {
        long seed = c.seed().orElseGet(Rng::freshSeed);
        return switch (c.type()) {
            case "random" -> new RandomSampler(seed);
            case "grid" -> new GridSampler(seed);
            case "cmaes" -> {
                Sampler independent = c.independentSampler().equals("random") ? new RandomSampler(seed)
                        : new TpeSampler(seed);
                yield new CmaEsSampler(seed, new CmaEsSampler.Options(c.nStartupTrials(), c.sigma0(),
                        c.popsize(), c.restartStrategy().equals("ipop")), independent);
            }
            case "tpe" -> new TpeSampler(seed, new TpeSampler.Options(c.nStartupTrials(), c.nEiCandidates(),
                    c.multivariate(), c.constantLiar(), c.group()));
            default -> throw new IllegalArgumentException("unknown sampler type '" + c.type() + "'; allowed: "
                    + String.join(", ", SamplerConfig.TYPES));
        };
    }

    /**
     * A pruner that also stops any trial at once on a NaN value. {@code maxEpochs}
     * is Hyperband's max_resource when the config leaves it out.
     */
    public static Pruner pruner(PrunerConfig c, int maxEpochs) {
        Pruner p = switch (c.type()) {
            case "none" -> new NopPruner();
            case "median" -> new MedianPruner(c.nStartupTrials(), c.nWarmupSteps(), c.intervalSteps());
            case "asha" -> new SuccessiveHalvingPruner(c.minResource().map(OptionalInt::of).orElse(OptionalInt.empty()),
                    c.reductionFactor(), c.minEarlyStoppingRate(), c.bootstrapCount());
            case "hyperband" -> {
                int min = c.minResource().orElseThrow(() -> new IllegalArgumentException(
                        "hyperband needs a numeric min_resource"));
                yield new HyperbandPruner(min, c.maxResource().orElse(Math.max(maxEpochs, min)), c.reductionFactor(),
                        c.bootstrapCount());
            }
            case "threshold" -> new ThresholdPruner(c.lower(), c.upper(), c.nWarmupSteps(), 1);
            default -> throw new IllegalArgumentException("unknown pruner type '" + c.type() + "'; allowed: "
                    + String.join(", ", PrunerConfig.TYPES));
        };
        if (c.patience().isPresent()) {
            p = new PatientPruner(c.type().equals("none") ? Optional.empty() : Optional.of(p),
                    c.patience().get(), c.minDelta());
        }
        return new NonFinitePruner(p);
    }

    public static StudyDirection direction(StudyConfig c) {
        return c.maximize() ? StudyDirection.MAXIMIZE : StudyDirection.MINIMIZE;
    }
}
