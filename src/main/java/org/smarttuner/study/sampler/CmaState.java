package org.smarttuner.study.sampler;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * CMA-ES (Hansen's (mu/mu_w, lambda) with rank-one and rank-mu updates) on the unit cube. The
 * state is rebuilt by replaying told generations, so it is a function of the history.
 */
final class CmaState {
    final int n;
    final int popsize;
    final int restarts;
    /** Global generation counter, carried across restarts so trial attributes stay unique. */
    int generation;
    private int localGeneration;
    final double[] mean;
    double sigma;
    private final double sigma0;
    private final double[][] c;
    private double[][] b;
    private double[] d;
    private final double[] ps;
    private final double[] pc;
    private final double[] weights;
    private final double mueff;
    private final double cs;
    private final double ds;
    private final double cc;
    private final double c1;
    private final double cmu;
    private final double chiN;
    private final Deque<Double> bestHistory = new ArrayDeque<>();
    private final int funHistLength;
    private double lastRange = Double.POSITIVE_INFINITY;

    CmaState(int n, int popsize, int restarts, int generation, double[] mean, double sigma0) {
        this.n = n;
        this.popsize = popsize;
        this.restarts = restarts;
        this.generation = generation;
        this.mean = mean.clone();
        this.sigma = sigma0;
        this.sigma0 = sigma0;
        c = new double[n][n];
        b = new double[n][n];
        d = new double[n];
        for (int i = 0; i < n; i++) {
            c[i][i] = 1;
            b[i][i] = 1;
            d[i] = 1;
        }
        ps = new double[n];
        pc = new double[n];
        int mu = popsize / 2;
        weights = new double[mu];
        double sum = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] = Math.log((popsize + 1) / 2.0) - Math.log(i + 1);
            sum += weights[i];
        }
        double sq = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] /= sum;
            sq += weights[i] * weights[i];
        }
        mueff = 1 / sq;
        cs = (mueff + 2) / (n + mueff + 5);
        ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
        cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        c1 = 2 / ((n + 1.3) * (n + 1.3) + mueff);
        cmu = Math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + mueff));
        chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        funHistLength = 10 + (int) Math.ceil(30.0 * n / popsize);
    }

    static int defaultPopsize(int n) {
        return 4 + (int) Math.floor(3 * Math.log(n));
    }

    /** A point of N(mean, sigma^2 C), redrawn until inside the unit cube (then clipped). */
    double[] ask(SplittableRandom rng) {
        double[] x = new double[n];
        for (int attempt = 0; attempt < 100; attempt++) {
            double[] z = new double[n];
            for (int i = 0; i < n; i++) {
                z[i] = d[i] * rng.nextGaussian();
            }
            boolean inside = true;
            for (int i = 0; i < n; i++) {
                double y = 0;
                for (int j = 0; j < n; j++) {
                    y += b[i][j] * z[j];
                }
                x[i] = mean[i] + sigma * y;
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) {
                return x;
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(1, Math.max(0, x[i]));
        }
        return x;
    }

    /** One generation: {@code xs} (popsize points) with values to minimise. */
    void tell(double[][] xs, double[] values) {
        Integer[] order = new Integer[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(values[p], values[q]));
        int mu = weights.length;
        double[][] y = new double[mu][n];
        double[] yw = new double[n];
        for (int k = 0; k < mu; k++) {
            for (int i = 0; i < n; i++) {
                y[k][i] = (xs[order[k]][i] - mean[i]) / sigma;
                yw[i] += weights[k] * y[k][i];
            }
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * yw[i];
        }
        // C^{-1/2} yw = B D^{-1} B^T yw
        double[] t = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][j] * yw[i];
            }
            t[j] = s / d[j];
        }
        double psNorm = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i][j] * t[j];
            }
            ps[i] = (1 - cs) * ps[i] + Math.sqrt(cs * (2 - cs) * mueff) * s;
            psNorm += ps[i] * ps[i];
        }
        psNorm = Math.sqrt(psNorm);
        localGeneration++;
        double hsigDen = Math.sqrt(1 - Math.pow(1 - cs, 2 * localGeneration));
        boolean hsig = psNorm / hsigDen < (1.4 + 2.0 / (n + 1)) * chiN;
        for (int i = 0; i < n; i++) {
            pc[i] = (1 - cc) * pc[i] + (hsig ? Math.sqrt(cc * (2 - cc) * mueff) * yw[i] : 0);
        }
        double deltaH = hsig ? 0 : cc * (2 - cc);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double rankMu = 0;
                for (int k = 0; k < mu; k++) {
                    rankMu += weights[k] * y[k][i] * y[k][j];
                }
                double v = (1 - c1 - cmu + c1 * deltaH) * c[i][j] + c1 * pc[i] * pc[j] + cmu * rankMu;
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        sigma *= Math.exp(Math.min(1.0, (cs / ds) * (psNorm / chiN - 1)));
        sigma = Math.min(sigma, 1e32);
        decompose();
        generation++;
        double best = values[order[0]];
        double worst = values[order[xs.length - 1]];
        lastRange = Double.isFinite(best) && Double.isFinite(worst) ? worst - best : Double.POSITIVE_INFINITY;
        bestHistory.addLast(best);
        if (bestHistory.size() > funHistLength) {
            bestHistory.removeFirst();
        }
    }

    private void decompose() {
        RealMatrix m = new Array2DRowRealMatrix(c, false);
        EigenDecomposition e = new EigenDecomposition(m);
        double[][] vecs = e.getV().getData();
        double[] vals = e.getRealEigenvalues();
        b = vecs;
        d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.sqrt(Math.max(vals[i], 1e-20));
        }
    }

    /** Stagnation as in the usual CMA-ES termination criteria (tolfun, tolx, condition number). */
    boolean stagnated() {
        if (bestHistory.size() >= funHistLength) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : bestHistory) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (Double.isFinite(hi - lo) && hi - lo < 1e-12 && lastRange < 1e-12) {
                return true;
            }
        }
        double tolx = 1e-12 * sigma0;
        boolean small = true;
        for (int i = 0; i < n; i++) {
            small &= sigma * Math.abs(pc[i]) < tolx && sigma * Math.sqrt(c[i][i]) < tolx;
        }
        if (small) {
            return true;
        }
        double dmax = 0;
        double dmin = Double.POSITIVE_INFINITY;
        for (double v : d) {
            dmax = Math.max(dmax, v);
            dmin = Math.min(dmin, v);
        }
        return (dmax * dmax) / (dmin * dmin) > 1e14;
    }
}
