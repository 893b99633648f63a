package org.smarttuner.study.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    /** max |A v - lambda v| over eigenpairs, and max |V^T V - I|. */
    private static void assertDecomposes(double[][] a, double tol) {
        int n = a.length;
        SymmetricEigen.Result r = SymmetricEigen.of(a);
        double scale = 0;
        for (double[] row : a) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                assertTrue(r.values()[k - 1] <= r.values()[k], "ascending");
            }
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) {
                    av += a[i][j] * r.vectors()[j][k];
                }
                assertEquals(r.values()[k] * r.vectors()[i][k], av, tol * scale, "A v = lambda v, pair " + k);
            }
            for (int l = 0; l < n; l++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += r.vectors()[i][k] * r.vectors()[i][l];
                }
                assertEquals(k == l ? 1 : 0, dot, tol, "orthonormal " + k + "," + l);
            }
        }
    }

    @Test
    void randomSymmetricMatrices() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 3, 5, 10, 30}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = rng.nextGaussian();
                    a[j][i] = a[i][j];
                }
            }
            assertDecomposes(a, 1e-12);
        }
    }

    @Test
    void gradedMatrixKeepsItsSmallEigenvalue() {
        // the shape CMA-ES reaches on an ill-conditioned problem: eigenvalues 1 and 1e-20, tiny coupling
        double[][] a = {{1, 1e-12}, {1e-12, 1e-20}};
        SymmetricEigen.Result r = SymmetricEigen.of(a);
        assertEquals(1e-20 - 1e-24, r.values()[0], 1e-30);
        assertEquals(1, r.values()[1], 1e-15);
        assertDecomposes(a, 1e-15);
    }
}
