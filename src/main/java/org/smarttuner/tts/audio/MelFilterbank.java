package org.smarttuner.tts.audio;

/**
 * The Slaney mel filterbank ({@code librosa.filters.mel} with htk=False, norm="slaney"), which
 * Tacotron2 uses: triangles evenly spaced on the Slaney mel scale (linear below 1 kHz,
 * logarithmic above), each scaled to unit area ({@code 2 / (f[i+2] - f[i])}).
 */
public final class MelFilterbank {
    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private MelFilterbank() {
    }

    public static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    public static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
    }

    /** The centre frequencies of the {@code nMels + 2} band edges, in Hz. */
    public static double[] bandEdges(int nMels, double fmin, double fmax) {
        double lo = hzToMel(fmin);
        double hi = hzToMel(fmax);
        double[] edges = new double[nMels + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(lo + (hi - lo) * i / (nMels + 1));
        }
        return edges;
    }

    /** Weights {@code [nMels][nFft / 2 + 1]}: row m maps a magnitude spectrum to mel band m. */
    public static float[][] weights(int sampleRate, int nFft, int nMels, double fmin, double fmax) {
        int bins = nFft / 2 + 1;
        double[] edges = bandEdges(nMels, fmin, fmax);
        float[][] w = new float[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double lower = edges[m];
            double centre = edges[m + 1];
            double upper = edges[m + 2];
            double norm = 2.0 / (upper - lower);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double rise = (f - lower) / (centre - lower);
                double fall = (upper - f) / (upper - centre);
                w[m][k] = (float) (Math.max(0, Math.min(rise, fall)) * norm);
            }
        }
        return w;
    }
}
