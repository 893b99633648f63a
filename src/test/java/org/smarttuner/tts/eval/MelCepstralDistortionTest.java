package org.smarttuner.tts.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

class MelCepstralDistortionTest {
    private static final double KAPPA = 10 / Math.log(10);

    @TempDir
    Path dir;

    /** Gaussian log-mel, row-major (nMels, frames). */
    static float[] randomMel(int nMels, int frames, long seed) {
        Random r = new Random(seed);
        float[] mel = new float[nMels * frames];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) (r.nextGaussian() * 2 - 5);
        }
        return mel;
    }

    /** One value per frame in band 0, band 1 zero: with 2 bands c1 = (x0 - x1) / (2 sqrt 2), so the cost is kappa |dv| / 2. */
    static float[] twoBand(double... v) {
        float[] mel = new float[2 * v.length];
        for (int t = 0; t < v.length; t++) {
            mel[t] = (float) v[t];
        }
        return mel;
    }

    @Test
    void identicalMelsScoreZeroOnTheDiagonal() {
        float[] mel = randomMel(80, 50, 1);
        MelCepstralDistortion.Result r = MelCepstralDistortion.mcdDtwResult(mel, 50, mel.clone(), 50, 80, 13);
        assertEquals(0.0, r.mcd(), 0.0);
        assertEquals(50, r.pathLength());
    }

    /**
     * 4 bands, K = 2. Cepstral DCT-II rows (1/N = 1/4): c1 = (1/4)(cos pi/8, cos 3pi/8, -cos 3pi/8, -cos pi/8),
     * c2 = (1/4)(cos pi/4)(1, -1, -1, 1). Frame y = (1, -1, -1, 1) has c = (0, 1/sqrt2); y/2 has (0, 1/(2 sqrt2));
     * zeros have (0, 0). Predicted (0, y/2), reference (0, y, 0); cost = kappa sqrt(2 dc2^2) = kappa sqrt 2 |dc2|:
     * <pre>
     *          r0      r1        r2
     *   p0     0       1         0
     *   p1     1/2     1/2       1/2     (times kappa = 10 / ln 10)
     * </pre>
     * D: row 0 = (0, 1, 1); row 1 = (1/2, 1/2 [from p0r0], 1 [from p1r1]).
     * Path (0,0) (1,1) (1,2): mean = (0 + 1/2 + 1/2) / 3 kappa = kappa / 3 = 1.4476 dB.
     * A constant 7 added to every value changes only c0, so it must not matter.
     */
    @Test
    void handComputedCase() {
        float[] predicted = {
            7, 7.5f,
            7, 6.5f,
            7, 6.5f,
            7, 7.5f};
        float[] reference = {
            7, 8, 7,
            7, 6, 7,
            7, 6, 7,
            7, 8, 7};
        MelCepstralDistortion.Result r = MelCepstralDistortion.mcdDtwResult(predicted, 2, reference, 3, 4, 2);
        assertEquals(3, r.pathLength());
        assertEquals(KAPPA / 3, r.mcd(), 1e-9);
        assertEquals(1.4476, r.mcd(), 1e-4);
    }

    /**
     * Predicted values (0, 2, 0), reference (0, 1, 0, 2), cost |dv| (times kappa / 2):
     * <pre>
     *        0  1  0  2
     *   0    0  1  0  2      D: 0 1 1 3
     *   2    2  1  2  0         2 1 3 1
     *   0    0  1  0  2         2 2 1 3
     * </pre>
     * At (2,3) the steps from (2,2) and from (1,3) both give 3. librosa tries (i, j-1) before
     * (i-1, j): path (0,0) (1,1) (2,2) (2,3), mean 3/4. Trying (i-1, j) first would give
     * (0,0) (0,1) (0,2) (1,3) (2,3), mean 3/5.
     */
    @Test
    void tiesResolveInLibrosasStepOrder() {
        MelCepstralDistortion.Result r = MelCepstralDistortion.mcdDtwResult(
                twoBand(0, 2, 0), 3, twoBand(0, 1, 0, 2), 4, 2, 1);
        assertEquals(4, r.pathLength());
        assertEquals(0.75 * KAPPA / 2, r.mcd(), 1e-9);
    }

    @Test
    void aTimeStretchedCopyScoresZeroWithDtw() {
        int nMels = 80;
        int frames = 40;
        float[] ref = randomMel(nMels, frames, 2);
        float[] slow = new float[nMels * 2 * frames];
        for (int m = 0; m < nMels; m++) {
            for (int t = 0; t < 2 * frames; t++) {
                slow[m * 2 * frames + t] = ref[m * frames + t / 2];
            }
        }
        MelCepstralDistortion.Result r = MelCepstralDistortion.mcdDtwResult(slow, 2 * frames, ref, frames, nMels, 24);
        assertEquals(0.0, r.mcd(), 0.0);
        assertEquals(2 * frames, r.pathLength());
        assertEquals(0.0, MelCepstralDistortion.mcdDtw(ref, frames, slow, 2 * frames, nMels, 24), 0.0, "either side");
    }

    @Test
    void aConstantLogMelOffsetIsOnlyEnergyAndIsNotCounted() {
        int nMels = 80;
        int frames = 30;
        float[] ref = randomMel(nMels, frames, 3);
        float[] louder = ref.clone();
        float[] tilted = ref.clone();
        for (int i = 0; i < ref.length; i++) {
            louder[i] += 3.7f;
            tilted[i] += 3.7f * (i / frames) / nMels; // grows with the band: spectral shape, not energy
        }
        assertTrue(MelCepstralDistortion.mcdDtw(louder, frames, ref, frames, nMels, 13) < 1e-3);
        assertTrue(MelCepstralDistortion.mcdDtw(tilted, frames, ref, frames, nMels, 13) > 1.0,
                "a tilt of the same size is distortion");
    }

    /** A cosine at DCT frequency k has all its energy in c_k: 1/2 at the cepstral scale (sum of cos^2 is N/2, over N). */
    @Test
    void cepstraAreTheDctAtCepstralScale() {
        int nMels = 16;
        int k = 5;
        float[] mel = new float[nMels * 2];
        for (int n = 0; n < nMels; n++) {
            mel[n * 2] = (float) Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * nMels));
            mel[n * 2 + 1] = 1; // frame 1: constant, all c0
        }
        double[][] c = MelCepstralDistortion.cepstra(mel, nMels, 2, 8);
        assertEquals(2, c.length);
        assertEquals(8, c[0].length);
        for (int j = 1; j <= 8; j++) {
            assertEquals(j == k ? 0.5 : 0.0, c[0][j - 1], 1e-6, "frame 0 c" + j);
            assertEquals(0.0, c[1][j - 1], 1e-6, "frame 1 c" + j);
        }
    }

    private static void refused(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should say '" + expected + "'");
    }

    @Test
    void badInputsAreRefusedSayingWhatIsAllowed() {
        float[] ok = randomMel(8, 4, 4);
        refused("predicted mel has 0 frames", () -> MelCepstralDistortion.mcdDtw(new float[0], 0, ok, 4, 8, 3));
        refused("reference mel has 0 frames", () -> MelCepstralDistortion.mcdDtw(ok, 4, new float[0], 0, 8, 3));
        refused("8 bands x 5 frames = 40 were expected", () -> MelCepstralDistortion.mcdDtw(ok, 5, ok, 4, 8, 3));
        refused("allowed are 1..7", () -> MelCepstralDistortion.mcdDtw(ok, 4, ok, 4, 8, 0));
        refused("allowed are 1..7", () -> MelCepstralDistortion.mcdDtw(ok, 4, ok, 4, 8, 8));
        refused("allowed are 1..7", () -> MelCepstralDistortion.cepstra(ok, 8, 4, 8));
        float[] nan = ok.clone();
        nan[4 * 3 + 2] = Float.NaN;
        refused("non-finite value NaN at band 3, frame 2", () -> MelCepstralDistortion.mcdDtw(ok, 4, nan, 4, 8, 3));
        float[] inf = ok.clone();
        inf[0] = Float.NEGATIVE_INFINITY;
        refused("non-finite value -Infinity", () -> MelCepstralDistortion.mcdDtw(inf, 4, ok, 4, 8, 3));
        refused("at least 2 bands", () -> MelCepstralDistortion.mcdDtw(new float[4], 4, new float[4], 4, 1, 1));
    }

    /** Writes a float32 (rows, cols) C-order .npy file: the bytes are the row-major mel exactly. */
    static void writeNpy(Path file, float[] values, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
    }

    private record Pair(String name, float[] predicted, int predictedFrames, float[] reference, int referenceFrames,
            int nMels, int coefficients) {
    }

    /** A smooth moving spectral shape, sampled at warped times, with a little noise: like two takes of one sentence. */
    private static float[] takeOf(int nMels, int frames, double rate, double noise, long seed) {
        Random r = new Random(seed);
        float[] mel = new float[nMels * frames];
        for (int t = 0; t < frames; t++) {
            double u = t * rate;
            double formant = nMels * (0.3 + 0.2 * Math.sin(u * 0.07));
            for (int m = 0; m < nMels; m++) {
                double d = (m - formant) / 6;
                mel[m * frames + t] = (float) (-6 + 4 * Math.exp(-d * d) - 0.03 * m + noise * r.nextGaussian());
            }
        }
        return mel;
    }

    /** Frames drawn from a few prototypes: many exactly equal costs, so DTW tie-breaking shows. */
    private static float[] fromPrototypes(int nMels, int frames, long seed) {
        Random r = new Random(seed);
        float[][] protos = new float[4][nMels];
        Random p = new Random(99);
        for (float[] proto : protos) {
            for (int m = 0; m < nMels; m++) {
                proto[m] = p.nextInt(2);
            }
        }
        float[] mel = new float[nMels * frames];
        for (int t = 0; t < frames; t++) {
            float[] proto = protos[r.nextInt(protos.length)];
            for (int m = 0; m < nMels; m++) {
                mel[m * frames + t] = proto[m];
            }
        }
        return mel;
    }

    @Test
    void agreesWithNumpyScipyAndLibrosa() throws IOException {
        List<Pair> pairs = new ArrayList<>();
        pairs.add(new Pair("random, different lengths", randomMel(80, 57, 10), 57, randomMel(80, 73, 11), 73, 80, 13));
        pairs.add(new Pair("two takes", takeOf(80, 96, 1.25, 0.2, 12), 96, takeOf(80, 120, 1.0, 0.2, 13), 120, 80, 24));
        pairs.add(new Pair("long takes", takeOf(80, 310, 0.8, 0.3, 14), 310, takeOf(80, 250, 1.0, 0.3, 15), 250, 80, 13));
        pairs.add(new Pair("one frame", randomMel(20, 1, 16), 1, randomMel(20, 30, 17), 30, 20, 12));
        pairs.add(new Pair("hand tie case", twoBand(0, 2, 0), 3, twoBand(0, 1, 0, 2), 4, 2, 1));
        for (int i = 0; i < 6; i++) {
            int n = 8 + 3 * i;
            int m = 20 - 2 * i;
            pairs.add(new Pair("prototypes " + i, fromPrototypes(4, n, 20 + i), n, fromPrototypes(4, m, 40 + i), m, 4, 2));
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Path a = dir.resolve("p" + i + ".npy");
            Path b = dir.resolve("r" + i + ".npy");
            writeNpy(a, p.predicted(), p.nMels(), p.predictedFrames());
            writeNpy(b, p.reference(), p.nMels(), p.referenceFrames());
            args.addAll(List.of(String.valueOf(p.coefficients()), a.toString(), b.toString()));
        }
        String[] lines = PythonEnv.run("mcd_reference.py", 300, args.toArray(String[]::new)).strip().split("\n");
        assertEquals(pairs.size(), lines.length, String.join("\n", lines));
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            String[] theirs = lines[i].strip().split(" ");
            double mcd = Double.parseDouble(theirs[0]);
            MelCepstralDistortion.Result ours = MelCepstralDistortion.mcdDtwResult(p.predicted(), p.predictedFrames(),
                    p.reference(), p.referenceFrames(), p.nMels(), p.coefficients());
            assertTrue(mcd > 0, p.name() + ": a pair that tests something has a distortion");
            assertEquals(mcd, ours.mcd(), 1e-6 * mcd, p.name());
            assertEquals(Integer.parseInt(theirs[1]), ours.pathLength(), p.name() + ": DTW path length");
        }
    }
}
