package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GriffinLimTest {
    private static final AudioSettings A = MelSpectrogramTest.TACOTRON2;
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void pseudoInverseUndoesTheFilterbank() {
        MelSpectrogram m = new MelSpectrogram(A);
        float[] b = m.basis();
        float[] p = GriffinLim.pseudoInverse(b, 80, 513);
        for (int i = 0; i < 80; i += 7) {
            for (int j = 0; j < 80; j++) {
                double s = 0;
                for (int k = 0; k < 513; k++) {
                    s += b[i * 513 + k] * p[k * 80 + j];
                }
                assertEquals(i == j ? 1.0 : 0.0, s, 1e-3, "(B pinv(B))[" + i + "][" + j + "]");
            }
        }
    }

    /** Resynthesised audio has (nearly) the mel it came from, and iterating helps. */
    @Test
    void reconstructsTheMel(@TempDir Path dir) throws IOException {
        float[] x = new float[22050];
        for (int i = 0; i < x.length; i++) {
            double f = 300 + 900.0 * i / x.length;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * f * i / 22050) + 0.2 * Math.sin(2 * Math.PI * 2500 * i / 22050));
        }
        MelSpectrogram analysis = new MelSpectrogram(A);
        MelFrames mel = analysis.compute(x, manager);
        float[] once = new GriffinLim(A, 1, 5).invert(mel, manager);
        float[] many = new GriffinLim(A, 16, 5).invert(mel, manager);
        assertEquals(256 * (mel.frames() - 1), many.length);
        double errOnce = error(mel, analysis.compute(once, manager));
        double errMany = error(mel, analysis.compute(many, manager));
        assertTrue(errMany < 0.6, "mean |log-mel difference| after 16 iterations: " + errMany);
        assertTrue(errMany < errOnce * 0.85, "iterations help: " + errOnce + " -> " + errMany);
        Path wav = dir.resolve("gl.wav");
        WavWriter.write(wav, many, 22050);
        assertEquals(many.length, WavReader.read(wav, 22050).samples().length);
    }

    /** A model that stops after a step or two gives a mel shorter than the STFT's window: still a WAV. */
    @Test
    void aMelShorterThanTheWindowStillInverts() {
        for (int frames : new int[] {1, 2, 4}) {
            float[] mel = new float[80 * frames];
            java.util.Arrays.fill(mel, -4f);
            float[] audio = new GriffinLim(A, 4, 5).invert(new MelFrames(mel, 80, frames), manager);
            assertEquals(256 * Math.max(1, frames - 1), audio.length, frames + " frames");
            for (float v : audio) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    /** Mean absolute log-mel difference over the cells that carry energy (away from the edges). */
    private static double error(MelFrames a, MelFrames b) {
        double sum = 0;
        int n = 0;
        for (int m = 0; m < a.nMels(); m++) {
            for (int t = 4; t < a.frames() - 4; t++) {
                if (a.at(m, t) > -6) {
                    sum += Math.abs(a.at(m, t) - b.at(m, t));
                    n++;
                }
            }
        }
        assertTrue(n > 500, "enough energetic cells: " + n);
        return sum / n;
    }
}
