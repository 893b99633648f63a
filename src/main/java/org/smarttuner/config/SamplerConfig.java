package org.smarttuner.config;

import java.util.Optional;

/**
 * Sampler settings. Keys that only one sampler uses are accepted for that sampler alone, so a
 * TPE option under {@code type: cmaes} is reported rather than silently ignored.
 */
public record SamplerConfig(
        String type,
        Optional<Long> seed,
        int nStartupTrials,
        int nEiCandidates,
        boolean multivariate,
        boolean constantLiar,
        boolean group,
        Optional<Double> sigma0,
        Optional<Integer> popsize,
        String restartStrategy,
        String independentSampler) {

    public static final String[] TYPES = {"tpe", "cmaes", "random", "grid"};

    /** The keys a sampler type reads (the printer writes only these). */
    public static java.util.Set<String> keysFor(String type) {
        return switch (type) {
            case "tpe" -> java.util.Set.of("type", "seed", "n_startup_trials", "n_ei_candidates", "multivariate",
                    "constant_liar", "group");
            case "cmaes" -> java.util.Set.of("type", "seed", "n_startup_trials", "sigma0", "popsize",
                    "restart_strategy", "independent_sampler");
            default -> java.util.Set.of("type", "seed");
        };
    }

    static SamplerConfig read(ConfigReader r) {
        String type = r.choice("type", "tpe", TYPES);
        Optional<Long> seed = r.optInteger("seed", Range.ANY);
        int startup = 10;
        int ei = 24;
        boolean multivariate = true;
        boolean liar = true;
        boolean group = false;
        Optional<Double> sigma0 = Optional.empty();
        Optional<Integer> popsize = Optional.empty();
        // Optuna 5 never restarts CMA-ES (restart_strategy falls back to None since 4.4)
        String restart = "none";
        String independent = "tpe";
        if (type.equals("tpe") || type.equals("cmaes")) {
            startup = r.intValue("n_startup_trials", type.equals("tpe") ? 10 : 1, Range.closed(0, 100_000));
        }
        if (type.equals("tpe")) {
            ei = r.intValue("n_ei_candidates", 24, Range.closed(1, 100_000));
            multivariate = r.bool("multivariate", true);
            liar = r.bool("constant_liar", true);
            group = r.bool("group", false);
            if (group && !multivariate) {
                r.error("group", "group: true needs multivariate: true (each group of parameters that appear "
                        + "together is sampled jointly)", "group: false, or multivariate: true");
            }
        }
        if (type.equals("cmaes")) {
            sigma0 = r.optNumber("sigma0", Range.greaterThan(0));
            popsize = r.optInteger("popsize", Range.closed(2, 100_000)).map(Long::intValue);
            restart = r.choice("restart_strategy", "none", "none", "ipop");
            independent = r.choice("independent_sampler", "tpe", "tpe", "random");
        }
        return new SamplerConfig(type, seed, startup, ei, multivariate, liar, group, sigma0, popsize, restart, independent);
    }
}
