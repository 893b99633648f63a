package org.smarttuner.config;

import java.util.Optional;

/**
 * Pruner settings. Every pruner also stops a trial at once on a NaN value; {@code patience} wraps
 * the chosen pruner so it only prunes after that many steps without improvement. An empty
 * {@code minResource} is ASHA's {@code min_resource: auto} (as Optuna's).
 */
public record PrunerConfig(
        String type,
        int nStartupTrials,
        int nWarmupSteps,
        int intervalSteps,
        Optional<Integer> minResource,
        Optional<Integer> maxResource,
        int reductionFactor,
        int minEarlyStoppingRate,
        int bootstrapCount,
        Optional<Double> lower,
        Optional<Double> upper,
        Optional<Integer> patience,
        double minDelta) {

    public static final String[] TYPES = {"none", "median", "asha", "hyperband", "threshold"};

    /** The keys a pruner type reads (the printer writes only these). */
    public static java.util.Set<String> keysFor(String type) {
        java.util.Set<String> keys = new java.util.HashSet<>(java.util.Set.of("type", "patience", "min_delta"));
        switch (type) {
            case "median" -> keys.addAll(java.util.Set.of("n_startup_trials", "n_warmup_steps", "interval_steps"));
            case "asha" -> keys.addAll(java.util.Set.of("min_resource", "max_resource", "reduction_factor",
                    "min_early_stopping_rate", "bootstrap_count"));
            case "hyperband" -> keys.addAll(java.util.Set.of("min_resource", "max_resource", "reduction_factor",
                    "bootstrap_count"));
            case "threshold" -> keys.addAll(java.util.Set.of("lower", "upper", "n_warmup_steps"));
            default -> {
            }
        }
        return keys;
    }

    static PrunerConfig read(ConfigReader r) {
        String type = r.choice("type", "asha", TYPES);
        int startup = 5;
        int warmup = 0;
        int interval = 1;
        Optional<Integer> minResource = Optional.of(1);
        Optional<Integer> maxResource = Optional.empty();
        int eta = 3;
        int minRate = 0;
        int bootstrap = 0;
        Optional<Double> lower = Optional.empty();
        Optional<Double> upper = Optional.empty();
        switch (type) {
            case "median" -> {
                startup = r.intValue("n_startup_trials", 5, Range.closed(0, 100_000));
                warmup = r.intValue("n_warmup_steps", 0, Range.closed(0, 1_000_000));
                interval = r.intValue("interval_steps", 1, Range.closed(1, 1_000_000));
            }
            case "asha", "hyperband" -> {
                Object raw = r.raw("min_resource").filter(n -> n instanceof ConfigNode.Scalar)
                        .map(n -> ((ConfigNode.Scalar) n).value()).orElse(null);
                boolean auto = "auto".equals(raw);
                boolean reported = false;
                if (auto && type.equals("hyperband")) {
                    r.error("min_resource", "hyperband's min_resource cannot be auto (as in Optuna)",
                            "an integer from 1 to 1000000");
                } else if (raw instanceof String word && !auto && !word.strip().matches("[0-9.eE+-]+")) {
                    r.error("min_resource", "must be a whole number or auto, got '" + word + "'",
                            "an integer from 1 to 1000000, or auto (ASHA only: estimated from the first completed "
                            + "trial, as Optuna)");
                    reported = true;
                }
                // anything else (a number, a numeric string, a list or mapping) is read, or refused, as an integer
                minResource = auto ? Optional.empty() : reported ? Optional.of(1)
                        : Optional.of(r.intValue("min_resource", 1, Range.closed(1, 1_000_000)));
                maxResource = r.optInteger("max_resource", Range.closed(1, 1_000_000)).map(Long::intValue);
                eta = r.intValue("reduction_factor", 3, Range.closed(2, 1000));
                bootstrap = r.intValue("bootstrap_count", 0, Range.closed(0, 1_000_000));
                if (type.equals("asha")) {
                    minRate = r.intValue("min_early_stopping_rate", 0, Range.closed(0, 100));
                }
                if (auto && bootstrap > 0) {
                    r.error("bootstrap_count", "bootstrap_count " + bootstrap + " needs a numeric min_resource, "
                            + "not auto (as in Optuna, the two cannot be combined)",
                            "bootstrap_count: 0, or min_resource: <integer>");
                }
                if (maxResource.isPresent() && minResource.isPresent() && maxResource.get() < minResource.get()) {
                    r.error("max_resource", "max_resource " + maxResource.get() + " is below min_resource "
                            + minResource.get(), "max_resource >= min_resource");
                }
            }
            case "threshold" -> {
                lower = r.optNumber("lower", Range.ANY);
                upper = r.optNumber("upper", Range.ANY);
                warmup = r.intValue("n_warmup_steps", 0, Range.closed(0, 1_000_000));
                if (lower.isEmpty() && upper.isEmpty()) {
                    r.sectionError("a threshold pruner needs lower, upper or both", "lower: <number>, upper: <number>");
                } else if (lower.isPresent() && upper.isPresent() && lower.get() >= upper.get()) {
                    r.error("lower", "lower " + lower.get() + " must be below upper " + upper.get(), "lower < upper");
                }
            }
            default -> {
            }
        }
        Optional<Integer> patience = r.optInteger("patience", Range.closed(1, 1_000_000)).map(Long::intValue);
        double minDelta = r.number("min_delta", 0.0, Range.atLeast(0));
        return new PrunerConfig(type, startup, warmup, interval, minResource, maxResource, eta, minRate, bootstrap,
                lower, upper, patience, minDelta);
    }
}
