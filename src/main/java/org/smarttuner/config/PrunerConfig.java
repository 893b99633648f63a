package org.smarttuner.config;

import java.util.Optional;

/**
 * Pruner settings. Every pruner also stops a trial at once on a NaN or infinite value; {@code
 * patience} wraps the chosen pruner so it only prunes after that many steps without improvement.
 */
public record PrunerConfig(
        String type,
        int nStartupTrials,
        int nWarmupSteps,
        int intervalSteps,
        int minResource,
        Optional<Integer> maxResource,
        int reductionFactor,
        int minEarlyStoppingRate,
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
                    "min_early_stopping_rate"));
            case "hyperband" -> keys.addAll(java.util.Set.of("min_resource", "max_resource", "reduction_factor"));
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
        int minResource = 1;
        Optional<Integer> maxResource = Optional.empty();
        int eta = 3;
        int minRate = 0;
        Optional<Double> lower = Optional.empty();
        Optional<Double> upper = Optional.empty();
        switch (type) {
            case "median" -> {
                startup = r.intValue("n_startup_trials", 5, Range.closed(0, 100_000));
                warmup = r.intValue("n_warmup_steps", 0, Range.closed(0, 1_000_000));
                interval = r.intValue("interval_steps", 1, Range.closed(1, 1_000_000));
            }
            case "asha", "hyperband" -> {
                minResource = r.intValue("min_resource", 1, Range.closed(1, 1_000_000));
                maxResource = r.optInteger("max_resource", Range.closed(1, 1_000_000)).map(Long::intValue);
                eta = r.intValue("reduction_factor", 3, Range.closed(2, 1000));
                if (type.equals("asha")) {
                    minRate = r.intValue("min_early_stopping_rate", 0, Range.closed(0, 100));
                }
                if (maxResource.isPresent() && maxResource.get() < minResource) {
                    r.error("max_resource", "max_resource " + maxResource.get() + " is below min_resource "
                            + minResource, "max_resource >= min_resource");
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
        return new PrunerConfig(type, startup, warmup, interval, minResource, maxResource, eta, minRate, lower,
                upper, patience, minDelta);
    }
}
