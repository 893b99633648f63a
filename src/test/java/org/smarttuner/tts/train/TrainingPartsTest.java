package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.Tacotron2Output;
import org.smarttuner.tts.model.TestBatches;

class TrainingPartsTest {
    private static final Device CPU = Device.cpu();

    @Test
    void paddedFramesStayOutOfTheLoss() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Batch batch = TestBatches.random(m, CPU, 4, 20, 6, new int[] {5, 3}, new int[] {9, 5}, 1);
            NDArray mel = m.randomNormal(new Shape(2, 6, 9));
            NDArray post = m.randomNormal(new Shape(2, 6, 9));
            NDArray gate = m.randomNormal(new Shape(2, 9));
            NDArray align = m.ones(new Shape(2, 9, 5)).div(5);
            Tacotron2Loss loss = new Tacotron2Loss(new GuidedAttention(0, 0.2), 1.0);
            LossTerms a = loss.compute(new Tacotron2Output(mel, post, gate, align), batch, 1, m);
            // change only what lies in utterance 1's padding (frames 5..8)
            NDArray mel2 = mel.duplicate();
            mel2.set(new NDIndex("1, :, 5:"), 1000f);
            NDArray post2 = post.duplicate();
            post2.set(new NDIndex("1, :, 5:"), -1000f);
            NDArray gate2 = gate.duplicate();
            gate2.set(new NDIndex("1, 5:"), -50f);
            LossTerms b = loss.compute(new Tacotron2Output(mel2, post2, gate2, align), batch, 1, m);
            assertEquals(a.mel().getFloat(), b.mel().getFloat(), 1e-6f);
            assertEquals(a.melPostnet().getFloat(), b.melPostnet().getFloat(), 1e-6f);
            assertEquals(a.gate().getFloat(), b.gate().getFloat(), 1e-6f);
            // and a change in a real frame does move it
            mel2.set(new NDIndex("1, :, 4"), 1000f);
            LossTerms c = loss.compute(new Tacotron2Output(mel2, post2, gate2, align), batch, 1, m);
            assertTrue(c.mel().getFloat() > a.mel().getFloat() + 1);
        }
    }

    @Test
    void maskedMseIsTheMeanOverRealFrames() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Batch batch = TestBatches.random(m, CPU, 4, 20, 2, new int[] {2, 2}, new int[] {3, 1}, 1);
            NDArray pred = batch.mel().add(2f); // error 2 everywhere, squared 4
            LossTerms t = new Tacotron2Loss(new GuidedAttention(0, 0.2), 1.0).compute(
                    new Tacotron2Output(pred, pred, m.zeros(new Shape(2, 3)), m.ones(new Shape(2, 3, 2))), batch, 1, m);
            assertEquals(4f, t.mel().getFloat(), 1e-5f);
            // gate logits 0: BCE = ln 2 on every real frame
            assertEquals((float) Math.log(2), t.gate().getFloat(), 1e-5f);
        }
    }

    /** The device-built penalty equals the formula, entry by entry, with padded steps and tokens costing nothing. */
    @Test
    void guidedAttentionIsTheFormulaOverEachUtterancesOwnLengths() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            // demo-like sizes: up to 40 tokens and 100 decoder steps, every utterance its own lengths
            int b = 6;
            int steps = 100;
            int t = 40;
            long[] text = {40, 37, 29, 18, 33, 7};
            long[] mel = {200, 187, 151, 90, 199, 31}; // r = 2: 100, 94, 76, 45, 100 and 16 steps
            double sigma = 0.3;
            java.util.Random rnd = new java.util.Random(5);
            float[] align = new float[b * steps * t];
            for (int i = 0; i < align.length; i++) {
                align[i] = rnd.nextFloat();
            }
            double sum = 0;
            long count = 0;
            for (int i = 0; i < b; i++) {
                long n = text[i];
                long s = Math.min(steps, (mel[i] + 1) / 2);
                for (int j = 0; j < steps; j++) {
                    for (int k = 0; k < t; k++) {
                        if (j < s && k < n) {
                            double d = (double) k / n - (double) j / s;
                            sum += align[(i * steps + j) * t + k] * (1 - Math.exp(-d * d / (2 * sigma * sigma)));
                        }
                    }
                }
                count += n * s;
            }
            NDArray alignments = m.create(align, new Shape(b, steps, t));
            float got = new GuidedAttention(1, sigma).loss(alignments, text, mel, 2, m).getFloat();
            assertEquals(sum / count, got, 1e-5 * Math.abs(sum / count));
            // to the bit what the matrix built on the host gave (double, rounded once to float): a CPU
            // training's trajectory does not move with the matrix's new place
            float[] host = new float[b * steps * t];
            for (int i = 0; i < b; i++) {
                int n = (int) text[i];
                int s = (int) Math.min(steps, (mel[i] + 1) / 2);
                for (int j = 0; j < s; j++) {
                    for (int k = 0; k < n; k++) {
                        double d = (double) k / n - (double) j / s;
                        host[(i * steps + j) * t + k] = (float) (1 - Math.exp(-d * d / (2 * sigma * sigma)));
                    }
                }
            }
            float[] now = new GuidedAttention(1, sigma).penalty(new Shape(b, steps, t), text, mel, 2, CPU, m)
                    .toFloatArray();
            for (int i = 0; i < host.length; i++) {
                assertEquals(Float.floatToIntBits(host[i]), Float.floatToIntBits(now[i]), "entry " + i + ": "
                        + host[i] + " built on the host, " + now[i] + " now");
            }
        }
    }

    @Test
    void guidedAttentionPenalisesOffDiagonalWeight() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            GuidedAttention ga = new GuidedAttention(1, 0.2);
            float[] diag = new float[4 * 4];
            float[] anti = new float[4 * 4];
            for (int i = 0; i < 4; i++) {
                diag[i * 4 + i] = 1;
                anti[i * 4 + (3 - i)] = 1;
            }
            float d = ga.loss(m.create(diag, new Shape(1, 4, 4)), new long[] {4}, new long[] {4}, 1, m).getFloat();
            float a = ga.loss(m.create(anti, new Shape(1, 4, 4)), new long[] {4}, new long[] {4}, 1, m).getFloat();
            assertTrue(d < 0.01, "diagonal costs " + d);
            assertTrue(a > 10 * d + 0.05, "anti-diagonal costs " + a);
            assertThrows(IllegalArgumentException.class, () -> new GuidedAttention(-1, 0.2));
        }
    }

    @Test
    void uniformAttentionScoresOneOverTextLength() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            NDArray uniform = m.ones(new Shape(1, 6, 8)).div(8);
            double[] s = AttentionSharpness.perUtterance(uniform, new long[] {6}, 1, m);
            assertEquals(1.0 / 8, s[0], 1e-6);
            NDArray sharp = m.zeros(new Shape(1, 6, 8));
            sharp.set(new NDIndex(":, :, 0"), 1f);
            assertEquals(1.0, AttentionSharpness.perUtterance(sharp, new long[] {6}, 1, m)[0], 1e-6);
        }
    }

    @Test
    void adamMatchesPyTorchsUpdate() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            for (OptimizerKind kind : OptimizerKind.values()) {
                NDArray p = m.create(new float[] {1f, -2f});
                Adam adam = new Adam(kind, 0.9, 0.999, 1e-8, 0.1);
                double[] w = {1, -2};
                double[] mm = {0, 0};
                double[] vv = {0, 0};
                double[] g = {0.5, -0.25};
                double lr = 0.01;
                for (int step = 1; step <= 3; step++) {
                    adam.update(Map.of("p", p), Map.of("p", m.create(new float[] {(float) g[0], (float) g[1]})), lr, m);
                    for (int i = 0; i < 2; i++) {
                        double gi = kind == OptimizerKind.ADAM ? g[i] + 0.1 * w[i] : g[i];
                        mm[i] = 0.9 * mm[i] + 0.1 * gi;
                        vv[i] = 0.999 * vv[i] + 0.001 * gi * gi;
                        if (kind == OptimizerKind.ADAMW) {
                            w[i] *= 1 - lr * 0.1;
                        }
                        double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(0.999, step)) + 1e-8;
                        w[i] -= lr / (1 - Math.pow(0.9, step)) * mm[i] / denom;
                    }
                }
                float[] got = p.toFloatArray();
                assertEquals(w[0], got[0], 1e-5, kind + " weight 0");
                assertEquals(w[1], got[1], 1e-5, kind + " weight 1");
                assertEquals(3, adam.step());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerKind.parse("sgd"));
            assertTrue(e.getMessage().contains("adam, adamw"), e.getMessage());
        }
    }

    @Test
    void clippingBoundsTheGlobalNormNotEachElement() {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            NDArray a = m.create(new float[] {3f, 0f});
            NDArray b = m.create(new float[] {0f, 4f});
            double norm = GradientClipping.clip(List.of(a, b), 1.0);
            assertEquals(5.0, norm, 1e-6);
            assertEquals(0.6f, a.getFloat(0), 1e-5f);
            assertEquals(0.8f, b.getFloat(1), 1e-5f);
            NDArray c = m.create(new float[] {0.1f});
            GradientClipping.clip(List.of(c), 1.0);
            assertEquals(0.1f, c.getFloat(0), 0f);
        }
    }

    @Test
    void learningRateSchedules() {
        TrainingSettings base = TestData.training(1);
        LearningRateSchedule constant = LearningRateSchedule.of(base);
        assertEquals(1e-3, constant.rate(50, 999), 0);
        LearningRateSchedule step = new LearningRateSchedule(LearningRateSchedule.Kind.STEP, 1e-3, 0.5, 10, 1);
        assertEquals(1e-3, step.rate(9, 1), 1e-12);
        assertEquals(5e-4, step.rate(10, 1), 1e-12);
        assertEquals(2.5e-4, step.rate(25, 1), 1e-12);
        LearningRateSchedule noam = new LearningRateSchedule(LearningRateSchedule.Kind.NOAM, 1e-3, 0.5, 10, 100);
        assertEquals(1e-5, noam.rate(0, 1), 1e-12);
        assertEquals(1e-3, noam.rate(0, 100), 1e-12);
        assertEquals(5e-4, noam.rate(0, 400), 1e-12);
        TrainingSettings bad = new TrainingSettings(1, 1, "adam", 1e-3, 0, 0.9, 0.999, 1e-6, 1, "cosine", 0.5, 10, 10,
                0, 0.2, 5.0, 1, 1, 0, 2.0, 13);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.of(bad));
        assertTrue(e.getMessage().contains("allowed: constant, step, noam"), e.getMessage());
    }
}
