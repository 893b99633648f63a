package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MelFilterbankTest {
    private static final float[][] W = MelFilterbank.weights(22050, 1024, 80, 0, 8000);

    @Test
    void slaneyScale() {
        assertEquals(0.0, MelFilterbank.hzToMel(0), 1e-12);
        assertEquals(3.0, MelFilterbank.hzToMel(200), 1e-12, "linear part: 200/3 Hz per mel");
        assertEquals(15.0, MelFilterbank.hzToMel(1000), 1e-12);
        assertEquals(42.0, MelFilterbank.hzToMel(6400), 1e-9, "log part: 27 mels per factor 6.4");
        for (double hz : new double[] {0, 123.4, 999, 1000, 1001, 5000, 11025}) {
            assertEquals(hz, MelFilterbank.melToHz(MelFilterbank.hzToMel(hz)), 1e-9);
        }
    }

    /** Reference rows from librosa 0.11 {@code librosa.filters.mel(sr=22050, n_fft=1024, n_mels=80, fmin=0, fmax=8000)}. */
    @Test
    void rowsMatchLibrosa() {
        assertEquals(80, W.length);
        assertEquals(513, W[0].length);
        row(0, 1, 0.0155277206, 0.0226513892, 0.00712366961);
        row(1, 2, 0.00420202548, 0.0197297465, 0.0184493661, 0.00292164367);
        row(10, 18, 0.0109648155, 0.0264925361, 0.0116865747);
        row(40, 77, 0.000295855309, 0.00531549286, 0.0103351306, 0.0148954699, 0.0100649511, 0.00523443287,
                0.00040391431);
        row(79, 345, 0.000237977685, 0.000489016296, 0.00074005482, 0.000991093344, 0.00124213204, 0.00149317051,
                0.00174420909, 0.00199524779, 0.00224628625, 0.00249732472, 0.00274836342, 0.00299940188,
                0.00325044058, 0.00326599297, 0.00302441232, 0.0027828319, 0.00254125125, 0.00229967083,
                0.00205809041, 0.00181650987, 0.00157492945, 0.00133334892, 0.00109176838, 0.000850188022,
                0.000608607545, 0.000367027038, 0.000125446561);
    }

    /** Each triangle is scaled to unit area in Hz, which the discrete sum approximates for wide bands. */
    @Test
    void wideBandsHaveUnitArea() {
        double binHz = 22050.0 / 1024;
        for (int m = 40; m < 80; m++) {
            double area = 0;
            for (float w : W[m]) {
                area += w * binHz;
            }
            assertEquals(1.0, area, 0.02, "band " + m);
        }
    }

    @Test
    void bandEdgesAreEvenOnTheMelScale() {
        double[] e = MelFilterbank.bandEdges(80, 0, 8000);
        assertEquals(82, e.length);
        assertEquals(0.0, e[0], 1e-9);
        assertEquals(8000.0, e[81], 1e-6);
        double step = MelFilterbank.hzToMel(8000) / 81;
        for (int i = 1; i < e.length; i++) {
            assertEquals(step, MelFilterbank.hzToMel(e[i]) - MelFilterbank.hzToMel(e[i - 1]), 1e-9);
        }
    }

    private static void row(int m, int firstBin, double... values) {
        for (int k = 0; k < 513; k++) {
            int i = k - firstBin;
            double expected = i >= 0 && i < values.length ? values[i] : 0.0;
            assertEquals(expected, W[m][k], 1e-6 * Math.max(1, expected * 1e3), "row " + m + " bin " + k);
        }
    }
}
