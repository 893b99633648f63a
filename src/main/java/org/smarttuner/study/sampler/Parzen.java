package org.smarttuner.study.sampler;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * TPE's Parzen estimator: a weighted mixture with one kernel per observation plus a prior
 * kernel. Kernel widths follow Optuna 5 (neighbour distances, clipped to [range / min(100,
 * kernels + 1), range]); a multivariate mixture picks one component for all axes at once.
 */
final class Parzen {
    private static final double PRIOR_WEIGHT = 1.0;

    private final List<TpeAxis> axes;
    private final int nKernels;
    private final double[] logWeights;
    private final double[] cumWeights;
    /** Per axis: numeric kernels (mu, sigma, log normaliser) or categorical log-probabilities. */
    private final double[][] mus;
    private final double[][] sigmas;
    private final double[][] logNorm;
    /** Per axis and kernel: 1/sigma and -log(sigma) - log(sqrt(2 pi)) - log normaliser. */
    private final double[][] invSigma;
    private final double[][] logConst;
    private final double[][][] catLogP;
    private final double[][][] catCum;

    /**
     * @param obs observations in model space, one row per trial (trial-number order), one column per axis
     */
    Parzen(List<TpeAxis> axes, double[][] obs) {
        this.axes = axes;
        int n = obs.length;
        nKernels = n + 1;
        double[] w = new double[nKernels];
        double[] ramp = weights(n);
        System.arraycopy(ramp, 0, w, 0, n);
        w[n] = PRIOR_WEIGHT;
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        logWeights = new double[nKernels];
        cumWeights = new double[nKernels];
        double c = 0;
        for (int k = 0; k < nKernels; k++) {
            logWeights[k] = Math.log(w[k] / sum);
            c += w[k] / sum;
            cumWeights[k] = c;
        }
        int p = axes.size();
        mus = new double[p][];
        sigmas = new double[p][];
        logNorm = new double[p][];
        invSigma = new double[p][];
        logConst = new double[p][];
        catLogP = new double[p][][];
        catCum = new double[p][][];
        for (int a = 0; a < p; a++) {
            TpeAxis ax = axes.get(a);
            double[] col = new double[n];
            for (int i = 0; i < n; i++) {
                col[i] = obs[i][a];
            }
            if (ax.categorical()) {
                categorical(a, ax, col);
            } else {
                numeric(a, ax, col);
            }
        }
    }

    /** Optuna's default weights: flat for the 25 newest, a linear ramp down for older ones. */
    static double[] weights(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        if (n >= 25) {
            int m = n - 25;
            for (int i = 0; i < m; i++) {
                w[i] = m == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (m - 1);
            }
        }
        return w;
    }

    private void categorical(int a, TpeAxis ax, double[] col) {
        int nc = ax.nChoices();
        double[][] lp = new double[nKernels][nc];
        double[][] cum = new double[nKernels][nc];
        for (int k = 0; k < nKernels; k++) {
            double[] row = new double[nc];
            Arrays.fill(row, PRIOR_WEIGHT / nKernels);
            if (k < col.length) {
                row[(int) col[k]] += 1;
            }
            double s = 0;
            for (double x : row) {
                s += x;
            }
            double cc = 0;
            for (int j = 0; j < nc; j++) {
                lp[k][j] = Math.log(row[j] / s);
                cc += row[j] / s;
                cum[k][j] = cc;
            }
        }
        catLogP[a] = lp;
        catCum[a] = cum;
    }

    private void numeric(int a, TpeAxis ax, double[] col) {
        int n = col.length;
        double low = ax.low();
        double high = ax.high();
        double step = ax.step();
        double range = high - low + step;
        double[] sig = new double[n];
        if (n > 0) {
            // The distance to the farther neighbour among the sorted observations and the (half-step
            // widened) bounds; the outermost observations use their inner neighbour (Optuna 5's rule: the
            // prior's mean is not a neighbour, as it was for univariate mixtures up to Optuna 4.x).
            // Primitive sort: this runs for every parameter of every ask.
            double[] sorted = new double[n + 2];
            System.arraycopy(col, 0, sorted, 1, n);
            Arrays.sort(sorted, 1, n + 1);
            sorted[0] = low - step / 2;
            sorted[n + 1] = high + step / 2;
            double[] ss = new double[n];
            for (int i = 0; i < n; i++) {
                ss[i] = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
            }
            if (n >= 2) {
                ss[0] = sorted[2] - sorted[1];
                ss[n - 1] = sorted[n] - sorted[n - 1];
            }
            // Tied values share a mean but may take different widths; hand the slots of a tie group out in
            // trial order (a stable sort, as numpy's argsort is for up to 16 values; past that Optuna's
            // order depends on numpy's sorting kernel).
            boolean[] used = new boolean[n];
            for (int i = 0; i < n; i++) {
                int pos = Arrays.binarySearch(sorted, 1, n + 1, col[i]);
                while (pos > 1 && sorted[pos - 1] == col[i]) {
                    pos--;
                }
                int slot = pos - 1;
                while (used[slot]) {
                    slot++;
                }
                used[slot] = true;
                sig[i] = ss[slot];
            }
        }
        double maxSigma = range;
        double minSigma = range / Math.min(100.0, 1.0 + nKernels);
        double[] m = new double[nKernels];
        double[] s = new double[nKernels];
        double[] z = new double[nKernels];
        for (int k = 0; k < nKernels; k++) {
            if (k < n) {
                m[k] = col[k];
                s[k] = Math.min(maxSigma, Math.max(minSigma, sig[k]));
            } else {
                m[k] = 0.5 * (low + high);
                s[k] = range;
            }
            double lo = (low - step / 2 - m[k]) / s[k];
            double hi = (high + step / 2 - m[k]) / s[k];
            z[k] = Normal.logMass(lo, hi);
        }
        mus[a] = m;
        sigmas[a] = s;
        logNorm[a] = z;
        double[] inv = new double[nKernels];
        double[] cst = new double[nKernels];
        for (int k = 0; k < nKernels; k++) {
            inv[k] = 1 / s[k];
            cst[k] = -Math.log(s[k]) - Normal.LOG_SQRT_2PI - z[k];
        }
        invSigma[a] = inv;
        logConst[a] = cst;
    }

    /** {@code count} candidates in model space, one kernel chosen per candidate for all axes. */
    double[][] sample(SplittableRandom rng, int count) {
        double[][] out = new double[count][axes.size()];
        for (int i = 0; i < count; i++) {
            int k = Arrays.binarySearch(cumWeights, rng.nextDouble());
            k = Math.min(nKernels - 1, k < 0 ? -k - 1 : k);
            for (int a = 0; a < axes.size(); a++) {
                TpeAxis ax = axes.get(a);
                if (ax.categorical()) {
                    int j = Arrays.binarySearch(catCum[a][k], rng.nextDouble());
                    out[i][a] = Math.min(ax.nChoices() - 1, j < 0 ? -j - 1 : j);
                } else {
                    double lo = (ax.low() - ax.step() / 2 - mus[a][k]) / sigmas[a][k];
                    double hi = (ax.high() + ax.step() / 2 - mus[a][k]) / sigmas[a][k];
                    double x = mus[a][k] + sigmas[a][k] * Normal.truncated(lo, hi, rng);
                    out[i][a] = ax.toModel(ax.toInternal(x));
                }
            }
        }
        return out;
    }

    /** Log density of each candidate under the mixture. */
    double[] logPdf(double[][] x) {
        double[] out = new double[x.length];
        double[] terms = new double[nKernels];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(logWeights, 0, terms, 0, nKernels);
            for (int a = 0; a < axes.size(); a++) {
                TpeAxis ax = axes.get(a);
                double v = x[i][a];
                if (ax.categorical()) {
                    double[][] lp = catLogP[a];
                    int j = (int) v;
                    for (int k = 0; k < nKernels; k++) {
                        terms[k] += lp[k][j];
                    }
                } else if (ax.step() > 0) {
                    double h = ax.step() / 2;
                    double[] m = mus[a];
                    double[] s = sigmas[a];
                    double[] z = logNorm[a];
                    for (int k = 0; k < nKernels; k++) {
                        terms[k] += Normal.logMass((v - h - m[k]) / s[k], (v + h - m[k]) / s[k]) - z[k];
                    }
                } else {
                    double[] m = mus[a];
                    double[] inv = invSigma[a];
                    double[] cst = logConst[a];
                    for (int k = 0; k < nKernels; k++) {
                        double u = (v - m[k]) * inv[k];
                        terms[k] += cst[k] - 0.5 * u * u;
                    }
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double t : terms) {
                max = Math.max(max, t);
            }
            double sum = 0;
            for (double t : terms) {
                double d = t - max;
                if (d > -40) { // exp(-40) is below a double's precision next to the max term
                    sum += Math.exp(d);
                }
            }
            out[i] = max + Math.log(sum);
        }
        return out;
    }
}
