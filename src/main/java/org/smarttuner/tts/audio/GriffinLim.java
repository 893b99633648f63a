package org.smarttuner.tts.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Mel spectrogram back to audio, for listening to samples: the log is undone, the mel filterbank
 * is inverted with its pseudo-inverse (negative values clipped), and the phase is estimated with
 * fast Griffin-Lim (Perraudin et al. 2013, momentum 0.99, as librosa does). Transforms are DJL's
 * {@link NDArray#stft} and {@link NDArray#irfft}; overlap-add is done on the host.
 */
public final class GriffinLim {
    private static final double MOMENTUM = 0.99;
    private static final float EPS = 1e-8f;
    private static final int NNLS_ITERATIONS = 50;

    private final AudioSettings settings;
    private final MelSpectrogram analysis;
    private final float[] window;
    private final float[] pinv;
    private final int bins;
    private final int iterations;
    private final long seed;

    /**
     * @param iterations Griffin-Lim iterations (Tacotron2's inference script uses 60)
     * @param seed seed of the initial random phase
     */
    public GriffinLim(AudioSettings settings, int iterations, long seed) {
        if (iterations < 1) {
            throw new IllegalArgumentException("Griffin-Lim needs at least one iteration, got " + iterations);
        }
        this.settings = settings;
        this.analysis = new MelSpectrogram(settings);
        this.window = analysis.window();
        this.bins = settings.filterLength() / 2 + 1;
        this.pinv = pseudoInverse(analysis.basis(), settings.nMels(), bins);
        this.iterations = iterations;
        this.seed = seed;
    }

    /**
     * Audio samples in [-1, 1] (hop_length x (frames - 1) of them, at least one hop) for a log-mel
     * spectrogram.
     */
    public float[] invert(MelFrames mel, NDManager manager) {
        if (mel.nMels() != settings.nMels()) {
            throw new IllegalArgumentException("the mel has " + mel.nMels() + " bands, the settings " + settings.nMels());
        }
        // The STFT's centre padding needs a signal longer than half a window: a model that stops after a
        // step or two would make too short a one. Pad with the mel's quietest level, invert, and cut back.
        int shortest = settings.filterLength() / settings.hopLength() + 1;
        if (mel.frames() < shortest) {
            float quiet = Float.POSITIVE_INFINITY;
            for (float v : mel.mel()) {
                quiet = Math.min(quiet, v);
            }
            float[] padded = new float[mel.nMels() * shortest];
            java.util.Arrays.fill(padded, quiet);
            for (int m = 0; m < mel.nMels(); m++) {
                System.arraycopy(mel.mel(), m * mel.frames(), padded, m * shortest, mel.frames());
            }
            float[] signal = invert(new MelFrames(padded, mel.nMels(), shortest), manager);
            return java.util.Arrays.copyOf(signal, Math.max(1, mel.frames() - 1) * settings.hopLength());
        }
        int frames = mel.frames();
        try (NDManager scope = manager.newSubManager()) {
            NDArray target = magnitude(mel, scope);
            Random random = new Random(seed);
            float[] phase = new float[bins * frames];
            for (int i = 0; i < phase.length; i++) {
                phase[i] = (float) (2 * Math.PI * random.nextDouble());
            }
            NDArray angle = scope.create(phase, new Shape(bins, frames));
            NDArray re = angle.cos();
            NDArray im = angle.sin();
            NDArray prevRe = scope.zeros(re.getShape());
            NDArray prevIm = scope.zeros(im.getShape());
            float[] signal = null;
            for (int it = 0; it < iterations; it++) {
                signal = istft(target.mul(re), target.mul(im), frames, scope);
                NDArray spec = analysis.spectrum(scope.create(signal), scope);
                NDArray rebuiltRe = spec.get("..., 0");
                NDArray rebuiltIm = spec.get("..., 1");
                // fast Griffin-Lim: push the new estimate away from the previous one
                NDArray accRe = rebuiltRe.sub(prevRe.mul(MOMENTUM / (1 + MOMENTUM)));
                NDArray accIm = rebuiltIm.sub(prevIm.mul(MOMENTUM / (1 + MOMENTUM)));
                NDArray norm = accRe.square().add(accIm.square()).sqrt().add(EPS);
                re = accRe.div(norm);
                im = accIm.div(norm);
                prevRe = rebuiltRe;
                prevIm = rebuiltIm;
            }
            return istft(target.mul(re), target.mul(im), frames, scope);
        }
    }

    /**
     * The non-negative linear magnitude whose mel is closest to {@code mel}: the pseudo-inverse as a
     * start, then multiplicative non-negative least-squares updates (Lee and Seung), because the
     * clipped pseudo-inverse alone leaves ripples that Griffin-Lim cannot remove.
     */
    NDArray magnitude(MelFrames mel, NDManager scope) {
        int frames = mel.frames();
        NDArray b = scope.create(analysis.basis(), new Shape(settings.nMels(), bins));
        NDArray bt = b.transpose();
        NDArray m = scope.create(mel.mel(), new Shape(settings.nMels(), frames)).exp();
        NDArray s = scope.create(pinv, new Shape(bins, settings.nMels())).matMul(m).maximum(EPS);
        NDArray numerator = bt.matMul(m);
        for (int i = 0; i < NNLS_ITERATIONS; i++) {
            s = s.mul(numerator).div(bt.matMul(b.matMul(s)).add(EPS));
        }
        return s;
    }

    /** Inverse STFT of a one-sided spectrum given as real and imaginary parts {@code (bins, frames)}. */
    private float[] istft(NDArray re, NDArray im, int frames, NDManager scope) {
        int n = settings.filterLength();
        int hop = settings.hopLength();
        NDArray complex = NDArrays.stack(new NDList(re, im), 2).complex();
        float[] columns = complex.irfft(n, 0).toFloatArray();
        int length = n + hop * (frames - 1);
        float[] out = new float[length];
        float[] envelope = new float[length];
        for (int t = 0; t < frames; t++) {
            int start = t * hop;
            for (int k = 0; k < n; k++) {
                float w = window[k];
                out[start + k] += columns[k * frames + t] * w;
                envelope[start + k] += w * w;
            }
        }
        int half = n / 2;
        float[] trimmed = new float[hop * (frames - 1)];
        for (int i = 0; i < trimmed.length; i++) {
            float e = envelope[i + half];
            trimmed[i] = e > 1e-6f ? out[i + half] / e : 0f;
        }
        return trimmed;
    }

    /** B^T (B B^T)^-1 for the (nMels, bins) filterbank, as a row-major (bins, nMels) array. */
    static float[] pseudoInverse(float[] basis, int nMels, int bins) {
        double[][] gram = new double[nMels][nMels];
        for (int i = 0; i < nMels; i++) {
            for (int j = 0; j < nMels; j++) {
                double s = 0;
                for (int k = 0; k < bins; k++) {
                    s += (double) basis[i * bins + k] * basis[j * bins + k];
                }
                gram[i][j] = s;
            }
        }
        double[][] inv = invert(gram);
        float[] out = new float[bins * nMels];
        for (int k = 0; k < bins; k++) {
            for (int j = 0; j < nMels; j++) {
                double s = 0;
                for (int i = 0; i < nMels; i++) {
                    s += basis[i * bins + k] * inv[i][j];
                }
                out[k * nMels + j] = (float) s;
            }
        }
        return out;
    }

    /** Gauss-Jordan with partial pivoting; the Gram matrix of overlapping triangles is well conditioned. */
    private static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (Math.abs(m[p][c]) < 1e-300) {
                throw new IllegalArgumentException("the mel filterbank has an empty band (" + c + "): use fewer "
                        + "mel bands or a longer filter_length");
            }
            double[] tmp = m[c];
            m[c] = m[p];
            m[p] = tmp;
            double d = m[c][c];
            for (int j = 0; j < 2 * n; j++) {
                m[c][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int j = 0; j < 2 * n; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inv[i], 0, n);
        }
        return inv;
    }
}
