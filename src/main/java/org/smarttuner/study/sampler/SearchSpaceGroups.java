package org.smarttuner.study.sampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.DistributionException;

/**
 * Which parameters a multivariate sampler may model jointly, from the finished trials, as
 * Optuna's {@code IntersectionSearchSpace} and {@code _GroupDecomposedSearchSpace} find them;
 * both are cut down to the parameters of the space being asked for, in its distributions.
 */
final class SearchSpaceGroups {
    private SearchSpaceGroups() {
    }

    /**
     * The parameters every finished trial holds with the distribution asked for now (a parameter
     * whose range changed is left to independent sampling, as Optuna does); empty before any trial.
     */
    static Map<String, Distribution> intersection(List<FrozenTrial> finished, Map<String, Distribution> space) {
        if (finished.isEmpty()) {
            return Map.of();
        }
        Map<String, Distribution> out = new LinkedHashMap<>();
        space.forEach((name, d) -> {
            if (finished.stream().allMatch(t -> d.equals(t.distributions().get(name)))) {
                out.put(name, d);
            }
        });
        return out;
    }

    /**
     * Optuna's group decomposition: each trial's parameter names split the groups found so far into
     * the part it holds and the part it lacks, and its new names form a group of their own; so a
     * group is a set of parameters that always appear together. Groups are returned in the order
     * Optuna builds them, each restricted to the space asked for (empty groups dropped).
     */
    static List<Map<String, Distribution>> decompose(List<FrozenTrial> finished, Map<String, Distribution> space) {
        List<Set<String>> groups = new ArrayList<>();
        for (FrozenTrial t : finished) {
            Set<String> names = new LinkedHashSet<>(t.distributions().keySet());
            List<Set<String>> next = new ArrayList<>();
            for (Set<String> g : groups) {
                Set<String> held = new LinkedHashSet<>(g);
                held.retainAll(names);
                Set<String> lacked = new LinkedHashSet<>(g);
                lacked.removeAll(names);
                next.add(held);
                next.add(lacked);
                names.removeAll(g);
            }
            next.add(names);
            next.removeIf(Set::isEmpty);
            groups = next;
        }
        List<Map<String, Distribution>> out = new ArrayList<>();
        for (Set<String> g : groups) {
            Map<String, Distribution> sub = new LinkedHashMap<>();
            // Sorted names, as Optuna sorts each group's keys before sampling it.
            g.stream().sorted().filter(space::containsKey).forEach(name -> sub.put(name, space.get(name)));
            if (!sub.isEmpty()) {
                out.add(sub);
            }
        }
        return out;
    }

    /**
     * The trial's value of a parameter in distribution {@code d}'s internal form: its own when it was
     * sampled from {@code d}, else its external value converted (a trial whose value does not fit
     * {@code d}, or that lacks the parameter, gives nothing and is left out of the model).
     */
    static OptionalDouble internalIn(FrozenTrial t, String name, Distribution d) {
        Distribution own = t.distributions().get(name);
        if (own == null) {
            return OptionalDouble.empty();
        }
        double internal = t.internalParams().get(name);
        if (own.equals(d)) {
            return OptionalDouble.of(internal);
        }
        try {
            double mine = d.toInternal(own.toExternal(internal));
            return d.contains(mine) ? OptionalDouble.of(mine) : OptionalDouble.empty();
        } catch (DistributionException e) {
            return OptionalDouble.empty();
        }
    }
}
