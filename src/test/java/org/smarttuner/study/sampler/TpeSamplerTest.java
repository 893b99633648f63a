package org.smarttuner.study.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Spaces;
import org.smarttuner.study.Study;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.pruner.NopPruner;

class TpeSamplerTest {

    static double best(Sampler sampler, Map<String, Distribution> space, int n) {
        Study s = Study.create("sphere", StudyDirection.MINIMIZE, sampler, new NopPruner());
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            FrozenTrial t = s.ask(space);
            double v = Spaces.sphere(t.params());
            s.tell(t.number(), v);
            best = Math.min(best, v);
        }
        return best;
    }

    @Test
    void tpeBeatsRandomOnSphereAcrossSeeds() {
        Map<String, Distribution> space = Spaces.box(4, -5, 5);
        int seeds = 10;
        double[] tpe = new double[seeds];
        double[] random = new double[seeds];
        int wins = 0;
        for (int seed = 0; seed < seeds; seed++) {
            tpe[seed] = best(new TpeSampler(seed), space, 60);
            random[seed] = best(new RandomSampler(seed), space, 60);
            wins += tpe[seed] < random[seed] ? 1 : 0;
        }
        Arrays.sort(tpe);
        Arrays.sort(random);
        double tpeMedian = (tpe[4] + tpe[5]) / 2;
        double randomMedian = (random[4] + random[5]) / 2;
        assertTrue(tpeMedian < randomMedian / 3, "TPE median " + tpeMedian + " vs random " + randomMedian);
        assertTrue(wins >= 9, "TPE won " + wins + " of " + seeds);
    }

    @Test
    void defaultsAreOptunas() {
        TpeSampler.Options o = TpeSampler.Options.defaults();
        assertEquals(10, o.nStartupTrials());
        assertEquals(24, o.nEiCandidates());
        assertTrue(o.multivariate(), "Optuna 5: multivariate for a single objective");
        assertTrue(o.constantLiar(), "Optuna 5: constant_liar=True");
        assertEquals(1, TpeSampler.gamma(1));
        assertEquals(10, TpeSampler.gamma(100));
        assertEquals(25, TpeSampler.gamma(1000));
        assertArrayEquals(new double[] {1, 1, 1}, Parzen.weights(3));
        double[] w = Parzen.weights(30);
        assertEquals(1.0 / 30, w[0], 1e-12);
        assertEquals(1.0, w[4], 1e-12);
        assertEquals(1.0, w[29], 1e-12);
    }

    @Test
    void splitPutsBestCompleteBelowThenPrunedByProgressAndRunningAbove() {
        List<FrozenTrial> trials = List.of(
                complete(0, 5.0), complete(1, 1.0), pruned(2, 3, 0.5), pruned(3, 5, 9.0), running(4),
                complete(5, 2.0));
        List<List<FrozenTrial>> two = TpeSampler.split(trials, StudyDirection.MINIMIZE, 2);
        assertEquals(List.of(1, 5), numbers(two.get(0)));
        assertEquals(List.of(0, 2, 3, 4), numbers(two.get(1)));
        // Once the completed trials are used up, the pruned one that got further (step 5) comes
        // first whatever its value; running trials stay above.
        List<List<FrozenTrial>> four = TpeSampler.split(trials, StudyDirection.MINIMIZE, 4);
        assertEquals(List.of(0, 1, 3, 5), numbers(four.get(0)));
        assertEquals(List.of(2, 4), numbers(four.get(1)));
        List<List<FrozenTrial>> max = TpeSampler.split(trials, StudyDirection.MAXIMIZE, 1);
        assertEquals(List.of(0), numbers(max.get(0)));
    }

    private static List<Integer> numbers(List<FrozenTrial> trials) {
        return trials.stream().map(FrozenTrial::number).toList();
    }

    private static FrozenTrial complete(int n, double v) {
        return FrozenTrial.create(n, TrialState.RUNNING, Optional.empty())
                .withState(TrialState.COMPLETE, Optional.of(v), Optional.empty());
    }

    private static FrozenTrial pruned(int n, int step, double v) {
        return FrozenTrial.create(n, TrialState.RUNNING, Optional.empty()).withIntermediate(step, v)
                .withState(TrialState.PRUNED, Optional.of(v), Optional.empty());
    }

    private static FrozenTrial running(int n) {
        return FrozenTrial.create(n, TrialState.RUNNING, Optional.empty());
    }

    @Test
    void constantLiarSpreadsParallelAsks() {
        Map<String, Distribution> space = Spaces.box(2, -5, 5);
        double withLiar = 0;
        double without = 0;
        for (long seed = 0; seed < 6; seed++) {
            withLiar += spread(new TpeSampler(seed, new TpeSampler.Options(10, 24, false, true)), space);
            without += spread(new TpeSampler(seed, new TpeSampler.Options(10, 24, false, false)), space);
        }
        assertTrue(withLiar > without * 1.2, "mean spread with liar " + withLiar / 6 + ", without " + without / 6);
    }

    /** Mean pairwise distance of 8 parallel asks after 30 sequential trials. */
    private static double spread(Sampler sampler, Map<String, Distribution> space) {
        Study s = Study.create("liar", StudyDirection.MINIMIZE, sampler, new NopPruner());
        for (int i = 0; i < 30; i++) {
            FrozenTrial t = s.ask(space);
            s.tell(t.number(), Spaces.sphere(t.params()));
        }
        List<FrozenTrial> batch = s.ask(8, space);
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int j = i + 1; j < batch.size(); j++) {
                double d = 0;
                for (String p : space.keySet()) {
                    double a = (Double) batch.get(i).params().get(p);
                    double b = (Double) batch.get(j).params().get(p);
                    d += (a - b) * (a - b);
                }
                sum += Math.sqrt(d);
                pairs++;
            }
        }
        return sum / pairs;
    }

    /**
     * A one-value float (low == high, as `ask --search-space` or a study Optuna wrote can give) is left
     * out of the model: multivariate TPE proposes for the other parameters exactly what it proposes
     * without it (before, its zero-width kernels scored every candidate NaN and switched the
     * acquisition off).
     */
    @Test
    void aSinglePointParameterIsLeftOutOfTheModel() {
        Map<String, Distribution> withSingle = new java.util.LinkedHashMap<>(Spaces.box(3, -5, 5));
        withSingle.put("fixed", FloatDistribution.of(2.0, 2.0));
        Map<String, Distribution> without = Spaces.box(3, -5, 5);
        TpeSampler.Options multivariate = new TpeSampler.Options(5, 24, true, false);
        Study a = Study.create("a", StudyDirection.MINIMIZE, new TpeSampler(3, multivariate), new NopPruner());
        Study b = Study.create("b", StudyDirection.MINIMIZE, new TpeSampler(3, multivariate), new NopPruner());
        for (int i = 0; i < 25; i++) {
            FrozenTrial ta = a.ask(withSingle);
            FrozenTrial tb = b.ask(without);
            assertEquals(2.0, (Double) ta.params().get("fixed"));
            for (String k : without.keySet()) {
                assertEquals(tb.params().get(k), ta.params().get(k), "trial " + i + " " + k);
            }
            a.tell(ta.number(), Spaces.sphere(tb.params()));
            b.tell(tb.number(), Spaces.sphere(tb.params()));
        }
        assertTrue(best(new TpeSampler(3, multivariate), withSingle, 40) < best(new RandomSampler(3), withSingle, 40),
                "the acquisition works with a single-point parameter in the space");
    }

    /**
     * A parameter that only some trials hold (a space that grows, or one Optuna wrote) does not cut the
     * others off from the history, as in Optuna: the joint model covers what every finished trial holds,
     * the new parameter is sampled on its own. Before, the joint model took only the trials holding the
     * whole space, so x was drawn at random again as soon as y appeared.
     */
    @Test
    void aParameterNewToTheStudyLeavesTheOthersTheirHistory() {
        Map<String, Distribution> xOnly = Map.of("x", FloatDistribution.of(-5, 5));
        Map<String, Distribution> xy = new java.util.LinkedHashMap<>(xOnly);
        xy.put("y", FloatDistribution.of(-5, 5));
        int near = 0;
        for (int seed = 0; seed < 10; seed++) {
            Study s = Study.create("grow", StudyDirection.MINIMIZE, new TpeSampler(seed), new NopPruner());
            for (int i = 0; i < 30; i++) {
                FrozenTrial t = s.ask(xOnly);
                s.tell(t.number(), Math.pow((Double) t.params().get("x") - 1, 2));
            }
            for (int i = 0; i < 10; i++) {
                FrozenTrial t = s.ask(xy);
                double x = (Double) t.params().get("x");
                near += Math.abs(x - 1) < 1 ? 1 : 0;
                s.tell(t.number(), Math.pow(x - 1, 2) + Math.pow((Double) t.params().get("y"), 2));
            }
        }
        // At random 20 of 100 would land there (P(at least 32) = 0.003); TPE's x-only asks put about 45 there.
        assertTrue(near >= 32, near + " of 100 asks with the new y put x within 1 of its optimum");
    }

    @Test
    void groupsAreTheSetsOfParametersThatAlwaysAppearTogether() {
        Map<String, Distribution> all = new java.util.LinkedHashMap<>();
        for (String p : List.of("model", "a1", "a2", "b1", "lr")) {
            all.put(p, FloatDistribution.of(0, 1));
        }
        List<FrozenTrial> trials = List.of(
                done(0, all, "model", "a1", "a2", "lr"),
                done(1, all, "model", "b1", "lr"),
                done(2, all, "model", "a1", "a2", "lr"));
        List<Map<String, Distribution>> groups = SearchSpaceGroups.decompose(trials, all);
        assertEquals(List.of(List.of("lr", "model"), List.of("a1", "a2"), List.of("b1")),
                groups.stream().map(g -> List.copyOf(g.keySet())).toList());
        assertEquals(List.of("model", "lr"), List.copyOf(SearchSpaceGroups.intersection(trials, all).keySet()));
        Map<String, Distribution> wider = new java.util.LinkedHashMap<>(all);
        wider.put("lr", FloatDistribution.of(0, 2));
        assertEquals(List.of("model"), List.copyOf(SearchSpaceGroups.intersection(trials, wider).keySet()),
                "a parameter whose range changed is left to independent sampling");
    }

    /** A conditional space (two model types with their own parameters) tuned with group: better than random. */
    @Test
    void groupTunesAConditionalSpace() {
        assertThrows(org.smarttuner.study.StudyException.class, () -> new TpeSampler.Options(10, 24, false, true, true),
                "group needs multivariate");
        int seeds = 11;
        double[] group = new double[seeds];
        double[] random = new double[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            group[seed] = conditional(new TpeSampler(seed, new TpeSampler.Options(10, 24, true, true, true)));
            random[seed] = conditional(new RandomSampler(seed));
        }
        Arrays.sort(group);
        Arrays.sort(random);
        assertTrue(group[seeds / 2] < random[seeds / 2], "median best: group TPE " + group[seeds / 2] + ", random "
                + random[seeds / 2]);
    }

    /** Two kinds of model taking turns, each with its own parameters: each ask gives that trial's space. */
    private static double conditional(Sampler sampler) {
        Study s = Study.create("cond", StudyDirection.MINIMIZE, sampler, new NopPruner());
        Map<String, Distribution> a = new java.util.LinkedHashMap<>();
        a.put("a1", FloatDistribution.of(-5, 5));
        a.put("a2", FloatDistribution.of(-5, 5));
        Map<String, Distribution> b = Map.of("b1", FloatDistribution.of(-5, 5));
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 60; i++) {
            boolean isA = i % 2 == 0;
            FrozenTrial t = s.ask(isA ? a : b);
            double v = isA ? Math.pow((Double) t.params().get("a1") - 1, 2) + Math.pow((Double) t.params().get("a2") + 2, 2)
                    : 3 + Math.pow((Double) t.params().get("b1"), 2);
            s.tell(t.number(), v);
            best = Math.min(best, v);
        }
        return best;
    }

    private static FrozenTrial done(int number, Map<String, Distribution> all, String... names) {
        Map<String, Distribution> space = new java.util.LinkedHashMap<>();
        Map<String, Double> params = new java.util.LinkedHashMap<>();
        for (String n : names) {
            space.put(n, all.get(n));
            params.put(n, 0.5);
        }
        return FrozenTrial.create(number, TrialState.RUNNING, Optional.empty()).withParams(params, space)
                .withState(TrialState.COMPLETE, Optional.of(1.0), Optional.empty());
    }
}
