package org.smarttuner.study.sampler;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.Rng;
import org.smarttuner.study.StudyException;
import org.smarttuner.study.StudyHistory;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.CategoricalDistribution;
import org.smarttuner.study.distribution.Distribution;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.study.distribution.IntDistribution;

/**
 * Every point of the space's grid once, in a seeded random order. Points already taken by a
 * running or finished trial (failed ones excepted, so they are tried again) are skipped.
 */
public final class GridSampler implements Sampler {
    /** A larger grid could not be visited anyway; refusing it early beats an endless study. */
    public static final long MAX_POINTS = 10_000_000L;

    private final long seed;

    public GridSampler(long seed) {
        this.seed = seed;
    }

    /** The grid's values per parameter (internal representation), parameters in name order. */
    public static Map<String, double[]> axes(Map<String, Distribution> space) {
        Map<String, double[]> axes = new LinkedHashMap<>();
        long size = 1;
        for (Map.Entry<String, Distribution> e : new TreeMap<>(space).entrySet()) {
            double[] values = values(e.getKey(), e.getValue());
            axes.put(e.getKey(), values);
            size = Math.multiplyHigh(size, values.length) != 0 ? Long.MAX_VALUE : size * values.length;
            if (size > MAX_POINTS) {
                throw new StudyException("the grid over " + space.keySet() + " has more than " + MAX_POINTS
                        + " points; use larger steps, fewer parameters, or another sampler");
            }
        }
        return axes;
    }

    private static double[] values(String name, Distribution d) {
        if (d instanceof CategoricalDistribution c) {
            double[] v = new double[c.choices().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            return v;
        }
        if (d instanceof IntDistribution i) {
            long n = (i.high() - i.low()) / i.step() + 1;
            if (n > MAX_POINTS) {
                throw new StudyException("grid sampler: int parameter '" + name + "' has " + n + " values; "
                        + "give it a larger step or a smaller range");
            }
            double[] v = new double[(int) n];
            for (int k = 0; k < n; k++) {
                v[k] = i.low() + (double) k * i.step();
            }
            return v;
        }
        FloatDistribution f = (FloatDistribution) d;
        if (f.step().isEmpty()) {
            if (f.low() == f.high()) {
                return new double[] {f.low()};
            }
            throw new StudyException("grid sampler: float parameter '" + name + "' (" + f.low() + ".." + f.high()
                    + (f.log() ? ", log" : "") + ") has no step, so it has no grid; give it a step, list its "
                    + "values as a categorical, or use another sampler");
        }
        long n = Grid.points(f);
        if (n > MAX_POINTS) {
            throw new StudyException("grid sampler: float parameter '" + name + "' has " + n + " grid values");
        }
        double[] v = new double[(int) n];
        for (int k = 0; k < n; k++) {
            v[k] = Grid.snap(f, f.low() + k * f.step().get());
        }
        return v;
    }

    @Override
    public Sample sample(StudyHistory history, int number, int draw, Map<String, Distribution> space) {
        Map<String, double[]> axes = axes(space);
        long size = size(axes);
        BitSet taken = taken(history, space, axes);
        long free = size - taken.cardinality();
        SplittableRandom rng = Rng.of(seed, number, draw, 0x47524944L);
        long id;
        if (free <= 0) {
            id = rng.nextLong(size); // grid done: any point, the study's stop condition ends it
        } else {
            long k = rng.nextLong(free);
            id = taken.nextClearBit(0);
            for (long j = 0; j < k; j++) {
                id = taken.nextClearBit((int) id + 1);
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        long rest = id;
        List<String> names = new ArrayList<>(axes.keySet());
        for (int p = names.size() - 1; p >= 0; p--) {
            double[] v = axes.get(names.get(p));
            out.put(names.get(p), v[(int) (rest % v.length)]);
            rest /= v.length;
        }
        return new Sample(out, Map.of("grid_id", id));
    }

    @Override
    public boolean exhausted(StudyHistory history, Map<String, Distribution> space) {
        Map<String, double[]> axes = axes(space);
        return taken(history, space, axes).cardinality() >= size(axes);
    }

    private static long size(Map<String, double[]> axes) {
        long s = 1;
        for (double[] v : axes.values()) {
            s *= v.length;
        }
        return s;
    }

    private static BitSet taken(StudyHistory history, Map<String, Distribution> space, Map<String, double[]> axes) {
        BitSet taken = new BitSet();
        for (FrozenTrial t : history.usable(space, TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED)) {
            long id = 0;
            boolean onGrid = true;
            for (Map.Entry<String, double[]> a : axes.entrySet()) {
                int k = indexOf(a.getValue(), t.internalParams().get(a.getKey()));
                if (k < 0) {
                    onGrid = false;
                    break;
                }
                id = id * a.getValue().length + k;
            }
            if (onGrid) {
                taken.set((int) id);
            }
        }
        return taken;
    }

    private static int indexOf(double[] values, double v) {
        int k = java.util.Arrays.binarySearch(values, v);
        if (k >= 0) {
            return k;
        }
        int ins = -k - 1;
        for (int c = Math.max(0, ins - 1); c <= Math.min(values.length - 1, ins); c++) {
            if (Math.abs(values[c] - v) <= 1e-9 * Math.max(1, Math.abs(v))) {
                return c;
            }
        }
        return -1;
    }

    @Override
    public String name() {
        return "grid";
    }
}
