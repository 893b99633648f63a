package org.smarttuner.study.sampler;

import java.util.Arrays;

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations, eigenvalues
 * ascending as numpy's {@code eigh}. Jacobi rather than a QL iteration because CMA-ES drives C to
 * condition numbers of 1e20 and beyond, where Commons Math's QL gave up ("convergence failed") on
 * matrices cmaes decomposes without complaint; Jacobi always converges and keeps small eigenvalues
 * of such graded matrices accurate.
 */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    /** Eigenvalues ascending; {@code vectors[i][k]} is component i of the k-th eigenvector. */
    record Result(double[] values, double[][] vectors) {
    }

    private SymmetricEigen() {
    }

    static Result of(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = Arrays.stream(symmetric).map(double[]::clone).toArray(double[][]::new);
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) {
                        continue;
                    }
                    // negligible next to both diagonal entries: rounding could not tell the difference
                    if (Math.abs(apq) <= 0x1p-53 * Math.sqrt(Math.abs(a[p][p]) * Math.abs(a[q][q]))) {
                        a[p][q] = 0;
                        a[q][p] = 0;
                        continue;
                    }
                    rotated = true;
                    rotate(a, v, p, q);
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] diag = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            diag[i] = a[i][i];
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(diag[x], diag[y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = diag[order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new Result(values, vectors);
    }

    /** The rotation in the (p, q) plane that zeroes a[p][q] (Rutishauser's stable form). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        int n = a.length;
        double apq = a[p][q];
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.abs(theta) > 1e150 ? 1 / (2 * theta)
                : Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            if (k == p || k == q) {
                continue;
            }
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[p][k] = a[k][p];
            a[k][q] = s * akp + c * akq;
            a[q][k] = a[k][q];
        }
        a[p][p] -= t * apq;
        a[q][q] += t * apq;
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
