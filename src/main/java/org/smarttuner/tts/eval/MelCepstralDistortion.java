package org.smarttuner.tts.eval;

/**
 * Mel-cepstral distortion with dynamic time warping (MCD-DTW), in dB, as TTS papers report it.
 *
 * <p>Each frame of a log-mel spectrogram (natural log, row-major {@code (nMels, frames)} as in
 * {@link org.smarttuner.tts.audio.MelFrames}) becomes mel cepstra by the DCT-II over its N bands
 * scaled as a real cepstrum, {@code c_k = (1/N) sum_n x_n cos(pi k (2n+1) / 2N)} (the cepstrum of the
 * log spectrum mirrored to 2N points; {@code scipy.fft.dct(x, type=2) / (2N)}), of which coefficients
 * 1..K are kept: c0 is the frame's energy, dropped so that loudness alone is not counted as
 * distortion. The cepstral scale is what makes the dB figure comparable with published MCDs (a few
 * dB for a good voice); the orthonormal DCT would give sqrt(2N) times more, about 13x for 80 bands. The
 * local cost of frames i, j is {@code (10 / ln 10) * sqrt(2 * sum_k (c_k - c'_k)^2)}; a
 * free-running synthesis does not keep the recording's timing, so the two sequences are aligned
 * by DTW (steps (1,1), (1,0), (0,1), all weight 1) and the MCD is the mean local cost over the
 * cells of the optimal path.
 *
 * <p>The path is the one {@code librosa.sequence.dtw(C=cost)} returns with its default steps: on
 * equal accumulated costs the step tried first wins, in librosa's order diagonal, then
 * {@code (i, j-1)}, then {@code (i-1, j)}. The cross-check in
 * {@code src/test/python/mcd_reference.py} compares with librosa itself.
 *
 * <p>Memory is one byte per cell for the backtracking steps plus two rows of accumulated cost:
 * 2000 x 2000 frames take 4 MB.
 */
public final class MelCepstralDistortion {
    /** {@code 10 / ln 10}: natural-log cepstral distance to dB. */
    private static final double DB = 10.0 / Math.log(10.0);

    /** Step codes, in the order ties are resolved (librosa's default step_sizes_sigma order). */
    private static final byte DIAGONAL = 0;
    private static final byte LEFT = 1; // (i, j-1)
    private static final byte UP = 2; // (i-1, j)

    private MelCepstralDistortion() {
    }

    /** The MCD in dB and the number of cells on the DTW path it is the mean over. */
    public record Result(double mcd, int pathLength) {
    }

    /**
     * Mel cepstra c1..cK of every frame: {@code [frames][coefficients]}.
     *
     * @throws IllegalArgumentException if the layout does not match, coefficients is outside
     *     1..nMels-1 or a value is not finite
     */
    public static double[][] cepstra(float[] logMel, int nMels, int frames, int coefficients) {
        checkShape("mel", logMel, nMels, frames, coefficients);
        return cepstra(logMel, nMels, frames, coefficients, basis(nMels, coefficients));
    }

    /** MCD-DTW in dB between a synthesized and a reference log-mel spectrogram with the same bands. */
    public static double mcdDtw(float[] predicted, int predictedFrames, float[] reference, int referenceFrames,
            int nMels, int coefficients) {
        return mcdDtwResult(predicted, predictedFrames, reference, referenceFrames, nMels, coefficients).mcd();
    }

    /**
     * MCD-DTW in dB and the DTW path length.
     *
     * @throws IllegalArgumentException if either side has no frames, an array is not
     *     {@code nMels * frames} long, coefficients is outside 1..nMels-1 or a value is not finite
     */
    public static Result mcdDtwResult(float[] predicted, int predictedFrames, float[] reference, int referenceFrames,
            int nMels, int coefficients) {
        checkShape("predicted mel", predicted, nMels, predictedFrames, coefficients);
        checkShape("reference mel", reference, nMels, referenceFrames, coefficients);
        double[][] dct = basis(nMels, coefficients);
        double[][] a = cepstra(predicted, nMels, predictedFrames, coefficients, dct);
        double[][] b = cepstra(reference, nMels, referenceFrames, coefficients, dct);
        int n = a.length;
        int m = b.length;

        byte[] step = new byte[n * m];
        double[] prev = new double[m];
        double[] cur = new double[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double c = cost(a[i], b[j]);
                if (i == 0 && j == 0) {
                    cur[j] = c;
                    continue;
                }
                // Each candidate is (its accumulated cost + c), compared strictly and in librosa's
                // order, so that rounding ties resolve the way librosa resolves them.
                double best = Double.POSITIVE_INFINITY;
                byte s = DIAGONAL;
                if (i > 0 && j > 0 && prev[j - 1] + c < best) {
                    best = prev[j - 1] + c;
                    s = DIAGONAL;
                }
                if (j > 0 && cur[j - 1] + c < best) {
                    best = cur[j - 1] + c;
                    s = LEFT;
                }
                if (i > 0 && prev[j] + c < best) {
                    best = prev[j] + c;
                    s = UP;
                }
                cur[j] = best;
                step[i * m + j] = s;
            }
            double[] t = prev;
            prev = cur;
            cur = t;
        }

        double sum = 0;
        int length = 0;
        int i = n - 1;
        int j = m - 1;
        while (true) {
            sum += cost(a[i], b[j]);
            length++;
            if (i == 0 && j == 0) {
                break;
            }
            switch (step[i * m + j]) {
                case DIAGONAL -> {
                    i--;
                    j--;
                }
                case LEFT -> j--;
                default -> i--;
            }
        }
        return new Result(sum / length, length);
    }

    private static double cost(double[] x, double[] y) {
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            double d = x[k] - y[k];
            s += d * d;
        }
        return DB * Math.sqrt(2 * s);
    }

    /** Rows k = 1..K of the DCT-II matrix at cepstral scale: (1/N) cos(pi k (2n+1) / 2N). */
    private static double[][] basis(int nMels, int coefficients) {
        double[][] w = new double[coefficients][nMels];
        double scale = 1.0 / nMels;
        for (int k = 1; k <= coefficients; k++) {
            for (int n = 0; n < nMels; n++) {
                w[k - 1][n] = scale * Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * nMels));
            }
        }
        return w;
    }

    private static double[][] cepstra(float[] mel, int nMels, int frames, int coefficients, double[][] dct) {
        double[][] c = new double[frames][coefficients];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < coefficients; k++) {
                double[] row = dct[k];
                double s = 0;
                for (int band = 0; band < nMels; band++) {
                    s += row[band] * mel[band * frames + t];
                }
                c[t][k] = s;
            }
        }
        return c;
    }

    private static void checkShape(String what, float[] mel, int nMels, int frames, int coefficients) {
        if (nMels < 2) {
            throw new IllegalArgumentException("nMels is " + nMels + ": mel cepstra need at least 2 bands");
        }
        if (coefficients < 1 || coefficients >= nMels) {
            throw new IllegalArgumentException("coefficients is " + coefficients + ": allowed are 1.." + (nMels - 1)
                    + " for " + nMels + " mel bands (c0, the energy, is dropped)");
        }
        if (frames < 1) {
            throw new IllegalArgumentException(what + " has " + frames + " frames: at least 1 is needed");
        }
        if (mel == null || mel.length != (long) nMels * frames) {
            throw new IllegalArgumentException(what + " has " + (mel == null ? "no array" : mel.length + " values")
                    + ": " + nMels + " bands x " + frames + " frames = " + ((long) nMels * frames)
                    + " were expected (row-major (nMels, frames))");
        }
        for (int i = 0; i < mel.length; i++) {
            if (!Float.isFinite(mel[i])) {
                throw new IllegalArgumentException(what + " has a non-finite value " + mel[i] + " at band "
                        + (i / frames) + ", frame " + (i % frames) + ": log-mel values must be finite");
            }
        }
    }
}
