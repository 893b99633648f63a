package org.smarttuner.study.sampler;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * CMA-ES as the {@code cmaes} library (0.13, the one Optuna's CmaEsSampler drives) implements it:
 * Hansen's tutorial (arXiv:1604.00772) with active, negative recombination weights for the worst
 * half of the population, the same learning rates, the same eigen-decomposition repair, and the
 * same termination tests in {@link #shouldStop()}. Points live in the unit cube. The state is
 * rebuilt by replaying told generations, so it is a function of the history.
 */
final class CmaState {
    /** cmaes's {@code _EPS}: floor for negative eigenvalues and the active-weight denominator. */
    private static final double EPS = 1e-8;
    private static final double SIGMA_MAX = 1e32;
    private static final double TOLXUP = 1e4;
    private static final double TOLFUN = 1e-12;
    private static final double TOLCONDITIONCOV = 1e14;

    final int n;
    final int popsize;
    final int restarts;
    /** Global generation counter, carried across restarts so trial attributes stay unique. */
    int generation;
    /** This run's generation, cmaes's {@code _g}: it enters h_sigma and the termination tests. */
    private int g;
    final double[] mean;
    double sigma;
    private final double tolx;
    private double[][] c;
    private double[][] b;
    private double[] d;
    private final double[] ps;
    private final double[] pc;
    /** All popsize weights: positive for the best mu, zero or negative (active) for the rest. */
    private final double[] weights;
    private final int mu;
    private final double mueff;
    private final double cs;
    private final double ds;
    private final double cc;
    private final double c1;
    private final double cmu;
    private final double chiN;
    private final int funhistTerm;
    /** Best and worst value of the last funhistTerm generations, in cmaes's ring layout. */
    private final double[] funhist;

    CmaState(int n, int popsize, int restarts, int generation, double[] mean, double sigma0) {
        this.n = n;
        this.popsize = popsize;
        this.restarts = restarts;
        this.generation = generation;
        this.mean = mean.clone();
        this.sigma = sigma0;
        this.tolx = 1e-12 * sigma0;
        c = new double[n][n];
        for (int i = 0; i < n; i++) {
            c[i][i] = 1;
        }
        decompose();
        ps = new double[n];
        pc = new double[n];
        mu = popsize / 2;
        double[] prime = new double[popsize];
        for (int i = 0; i < popsize; i++) {
            prime[i] = Math.log((popsize + 1) / 2.0) - Math.log(i + 1);
        }
        mueff = effectiveMass(prime, 0, mu);
        double mueffMinus = effectiveMass(prime, mu, popsize);
        double alphaCov = 2;
        c1 = alphaCov / ((n + 1.3) * (n + 1.3) + mueff);
        cmu = Math.min(1 - c1 - 1e-8, alphaCov * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + alphaCov * mueff / 2));
        double minAlpha = Math.min(1 + c1 / cmu, Math.min(1 + 2 * mueffMinus / (mueff + 2), (1 - c1 - cmu) / (n * cmu)));
        double positiveSum = 0;
        double negativeSum = 0;
        for (double w : prime) {
            if (w > 0) {
                positiveSum += w;
            } else if (w < 0) {
                negativeSum += -w;
            }
        }
        weights = new double[popsize];
        for (int i = 0; i < popsize; i++) {
            weights[i] = prime[i] >= 0 ? prime[i] / positiveSum : minAlpha / negativeSum * prime[i];
        }
        cs = (mueff + 2) / (n + mueff + 5);
        ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
        cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        chiN = Math.sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
        funhistTerm = 10 + (int) Math.ceil(30.0 * n / popsize);
        funhist = new double[2 * funhistTerm];
    }

    /** (sum w)^2 / sum w^2 over prime[from, to). */
    private static double effectiveMass(double[] prime, int from, int to) {
        double sum = 0;
        double sq = 0;
        for (int i = from; i < to; i++) {
            sum += prime[i];
            sq += prime[i] * prime[i];
        }
        return sum * sum / sq;
    }

    static int defaultPopsize(int n) {
        return 4 + (int) Math.floor(3 * Math.log(n));
    }

    /**
     * A point of N(mean, sigma^2 C): up to 10 n draws for one inside the unit cube, then one more
     * clipped to it (Optuna passes n_max_resampling = 10 n to cmaes).
     */
    double[] ask(SplittableRandom rng) {
        for (int attempt = 0; attempt < 10 * n; attempt++) {
            double[] x = draw(rng);
            if (inside(x)) {
                return x;
            }
        }
        double[] x = draw(rng);
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(1, Math.max(0, x[i]));
        }
        return x;
    }

    private double[] draw(SplittableRandom rng) {
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = d[i] * rng.nextGaussian();
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double y = 0;
            for (int j = 0; j < n; j++) {
                y += b[i][j] * z[j];
            }
            x[i] = mean[i] + sigma * y;
        }
        return x;
    }

    private static boolean inside(double[] x) {
        for (double v : x) {
            if (!(v >= 0 && v <= 1)) {
                return false;
            }
        }
        return true;
    }

    /** One generation: {@code xs} (popsize points) with values to minimise; cmaes's {@code tell}. */
    void tell(double[][] xs, double[] values) {
        if (xs.length != popsize) {
            throw new IllegalArgumentException("a generation has " + popsize + " points, got " + xs.length);
        }
        g++;
        Integer[] order = new Integer[popsize];
        for (int i = 0; i < popsize; i++) {
            order[i] = i;
        }
        // stable, as Python's sort: ties keep trial order
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        int slot = 2 * (g % funhistTerm);
        funhist[slot] = values[order[0]];
        funhist[slot + 1] = values[order[popsize - 1]];

        double[][] y = new double[popsize][n];
        double[] yw = new double[n];
        for (int k = 0; k < popsize; k++) {
            for (int i = 0; i < n; i++) {
                y[k][i] = (xs[order[k]][i] - mean[i]) / sigma;
            }
        }
        for (int k = 0; k < mu; k++) {
            for (int i = 0; i < n; i++) {
                yw[i] += weights[k] * y[k][i];
            }
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * yw[i];
        }

        double[] invSqrtYw = invSqrtC(yw);
        double psScale = Math.sqrt(cs * (2 - cs) * mueff);
        double psNorm = 0;
        for (int i = 0; i < n; i++) {
            ps[i] = (1 - cs) * ps[i] + psScale * invSqrtYw[i];
            psNorm += ps[i] * ps[i];
        }
        psNorm = Math.sqrt(psNorm);
        sigma *= Math.exp((cs / ds) * (psNorm / chiN - 1));
        sigma = Math.min(sigma, SIGMA_MAX);

        // cmaes counts g + 1 here although g has already been incremented; kept for equal numbers
        boolean hsig = psNorm / Math.sqrt(1 - Math.pow(1 - cs, 2.0 * (g + 1))) < (1.4 + 2.0 / (n + 1)) * chiN;
        double pcScale = hsig ? Math.sqrt(cc * (2 - cc) * mueff) : 0;
        for (int i = 0; i < n; i++) {
            pc[i] = (1 - cc) * pc[i] + pcScale * yw[i];
        }

        // Active weights are rescaled by n / ||C^-1/2 y||^2 so a far-off bad point cannot make C
        // lose positive definiteness (tutorial eq. 46).
        double[] wio = new double[popsize];
        double weightSum = 0;
        for (int k = 0; k < popsize; k++) {
            weightSum += weights[k];
            if (weights[k] >= 0) {
                wio[k] = weights[k];
            } else {
                double[] t = invSqrtC(y[k]);
                double sq = 0;
                for (double v : t) {
                    sq += v * v;
                }
                wio[k] = weights[k] * n / (sq + EPS);
            }
        }
        double deltaH = hsig ? 0 : cc * (2 - cc);
        double keep = 1 + c1 * deltaH - c1 - cmu * weightSum;
        double[][] next = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rankMu = 0;
                for (int k = 0; k < popsize; k++) {
                    rankMu += wio[k] * y[k][i] * y[k][j];
                }
                next[i][j] = keep * c[i][j] + c1 * pc[i] * pc[j] + cmu * rankMu;
            }
        }
        c = next;
        decompose();
        generation++;
    }

    /** C^-1/2 v = B D^-1 B^T v with the decomposition of the C the generation was drawn from. */
    private double[] invSqrtC(double[] v) {
        double[] t = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][j] * v[i];
            }
            t[j] = s / d[j];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i][j] * t[j];
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * cmaes's {@code _eigen_decomposition}: symmetrise C, decompose it (eigenvalues ascending, as
     * numpy's eigh), floor negative eigenvalues at EPS and rebuild C from the repaired parts.
     */
    private void decompose() {
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i][j] = (c[i][j] + c[j][i]) / 2;
            }
        }
        SymmetricEigen.Result e = SymmetricEigen.of(sym);
        b = e.vectors();
        d = new double[n];
        for (int k = 0; k < n; k++) {
            double v = e.values()[k];
            d[k] = Math.sqrt(v < 0 ? EPS : v);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i][k] * d[k] * d[k] * b[j][k];
                }
                c[i][j] = s;
            }
        }
    }

    /**
     * cmaes's {@code should_stop()}, test for test: tolfun over the best and worst values of the
     * last 10 + ceil(30 n / popsize) generations, tolx, tolxup, no-effect coordinate, no-effect axis
     * (one axis a generation) and the condition number of C's square root.
     */
    boolean shouldStop() {
        if (g > funhistTerm) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : funhist) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (hi - lo < TOLFUN) {
                return true;
            }
        }
        boolean allSmall = true;
        for (int i = 0; i < n; i++) {
            allSmall &= sigma * c[i][i] < tolx && sigma * pc[i] < tolx;
        }
        if (allSmall) {
            return true;
        }
        double dmax = Arrays.stream(d).max().orElseThrow();
        double dmin = Arrays.stream(d).min().orElseThrow();
        if (sigma * dmax > TOLXUP) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (mean[i] == mean[i] + 0.2 * sigma * Math.sqrt(c[i][i])) {
                return true;
            }
        }
        int axis = g % n;
        boolean noEffectAxis = true;
        for (int i = 0; i < n; i++) {
            noEffectAxis &= mean[i] == mean[i] + 0.1 * sigma * d[axis] * b[i][axis];
        }
        if (noEffectAxis) {
            return true;
        }
        return dmax / dmin > TOLCONDITIONCOV;
    }

    /** The strategy parameters cmaes derives from n and popsize. */
    record Rates(double muEff, double c1, double cmu, double cc, double cSigma, double dSigma) {
    }

    Rates rates() {
        return new Rates(mueff, c1, cmu, cc, cs, ds);
    }

    /** Copies for tests: C, p_sigma, p_c and the weights. */
    double[][] covariance() {
        return Arrays.stream(c).map(double[]::clone).toArray(double[][]::new);
    }

    double[] pSigma() {
        return ps.clone();
    }

    double[] pC() {
        return pc.clone();
    }

    double[] weights() {
        return weights.clone();
    }
}
