package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MelSpectrogramTest {
    static final AudioSettings TACOTRON2 = new AudioSettings(22050, 1024, 256, 1024, 80, 0, 8000, 1e-5);
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static float[] tone(double hz, int n, int rate) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return x;
    }

    @Test
    void pureTonePeaksAtItsBin() {
        MelSpectrogram mel = new MelSpectrogram(TACOTRON2);
        for (double hz : new double[] {301.46484375, 1000, 4306.640625}) {
            try (NDManager m = manager.newSubManager()) {
                NDArray mag = mel.magnitude(m.create(tone(hz, 22050, 22050)), m);
                assertEquals(513, mag.getShape().get(0));
                float[] column = mag.get(":, 40").toFloatArray();
                int peak = argmax(column);
                assertEquals(Math.round(hz * 1024 / 22050), peak, "peak bin of a " + hz + " Hz tone");
            }
        }
        // the loudest mel band is the one whose triangle centre is nearest the tone
        MelFrames f = mel.compute(tone(1000, 22050, 22050), manager);
        double[] edges = MelFilterbank.bandEdges(80, 0, 8000);
        int nearest = 0;
        for (int b = 0; b < 80; b++) {
            if (Math.abs(edges[b + 1] - 1000) < Math.abs(edges[nearest + 1] - 1000)) {
                nearest = b;
            }
        }
        float[] bands = new float[80];
        for (int b = 0; b < 80; b++) {
            bands[b] = f.at(b, 40);
        }
        assertEquals(nearest, argmax(bands));
    }

    /** Reference: librosa 0.11 stft(center=True, pad_mode=reflect, periodic hann) magnitude, Slaney mel, log(max(x, 1e-5)). */
    @Test
    void matchesTheReferencePipeline() {
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 22050)
                    + 0.25 * Math.sin(2 * Math.PI * 3000 * i / 22050) * Math.exp(-i / 3000.0));
        }
        MelFrames f = new MelSpectrogram(TACOTRON2).compute(x, manager);
        assertEquals(80, f.nMels());
        assertEquals(1 + 5000 / 256, f.frames());
        double[][] expected = {{0, 0, -0.942947}, {10, 10, 0.7216088}, {14, 8, -4.337038}, {16, 19, -5.472329},
            {50, 1, -3.219664}, {50, 12, -10.48754}, {52, 4, -7.945018}, {30, 9, -9.88963}, {79, 7, -11.51293}};
        for (double[] e : expected) {
            assertEquals(e[2], f.at((int) e[0], (int) e[1]), 2e-3, "band " + (int) e[0] + " frame " + (int) e[1]);
        }
    }

    @Test
    void silenceSitsOnTheLogFloor() {
        AudioSettings s = new AudioSettings(16000, 512, 128, 400, 40, 50, 7600, 1e-3);
        MelFrames f = new MelSpectrogram(s).compute(new float[1000], manager);
        assertEquals(40, f.nMels());
        assertEquals(1 + 1000 / 128, f.frames());
        for (float v : f.mel()) {
            assertEquals(Math.log(1e-3), v, 1e-6);
        }
    }

    @Test
    void refusesAudioShorterThanHalfAWindow() {
        MelSpectrogram mel = new MelSpectrogram(TACOTRON2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mel.compute(new float[100], manager));
        assertEquals(true, e.getMessage().contains("513"), e.getMessage());
    }

    @Test
    void windowIsPeriodicHannCentred() {
        float[] w = Windows.periodicHann(4, 8);
        assertEquals(0f, w[0]);
        assertEquals(0f, w[1]);
        assertEquals(0f, w[2], 1e-7);
        assertEquals(0.5f, w[3], 1e-7);
        assertEquals(1f, w[4], 1e-7);
        assertEquals(0.5f, w[5], 1e-7);
        assertEquals(0f, w[6]);
        assertEquals(0f, w[7]);
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
