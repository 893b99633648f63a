package org.smarttuner.tts.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final int MELS = 3;
    private static NDManager root;

    @BeforeAll
    static void engine() {
        root = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        root.close();
    }

    /** Mel value m*1000 + t + 1 (never 0) so padding is distinguishable from data. */
    private static Utterance item(String id, int textLength, int frames) {
        int[] text = new int[textLength];
        for (int i = 0; i < textLength; i++) {
            text[i] = 1 + (i % 7);
        }
        float[] mel = new float[MELS * frames];
        for (int m = 0; m < MELS; m++) {
            for (int t = 0; t < frames; t++) {
                mel[m * frames + t] = m * 1000 + t + 1;
            }
        }
        return new Utterance(id, text, mel, frames);
    }

    private static DatasetSplit split(Utterance... items) {
        return new DatasetSplit("train", List.of(items), MELS);
    }

    @Test
    void shapesDtypesAndPadding() {
        DatasetSplit s = split(item("a", 4, 5), item("b", 7, 2));
        BatchLoader loader = new BatchLoader(s, 2, 3);
        try (NDManager m = root.newSubManager(); Batch b = loader.assemble(new BatchIndices(List.of(0, 1)), m, Device.cpu())) {
            assertEquals(Batch.SIZE, b.list().size());
            assertEquals(new Shape(2, 7), b.text().getShape());
            assertEquals(new Shape(2), b.textLengths().getShape());
            assertEquals(new Shape(2, MELS, 6), b.mel().getShape(), "5 frames padded to a multiple of 3");
            assertEquals(new Shape(2, 6), b.gate().getShape());
            assertEquals(new Shape(2), b.melLengths().getShape());
            assertEquals(new Shape(2, 7), b.textMask().getShape());
            assertEquals(new Shape(2, 6), b.melMask().getShape());
            assertEquals(DataType.INT64, b.text().getDataType());
            assertEquals(DataType.INT64, b.textLengths().getDataType());
            assertEquals(DataType.FLOAT32, b.mel().getDataType());
            assertEquals(DataType.FLOAT32, b.gate().getDataType());
            assertEquals(DataType.INT64, b.melLengths().getDataType());
            assertEquals(DataType.FLOAT32, b.textMask().getDataType());
            assertEquals(DataType.FLOAT32, b.melMask().getDataType());

            assertArrayEquals(new long[] {1, 2, 3, 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7}, b.text().toLongArray());
            assertArrayEquals(new long[] {4, 7}, b.textLengths().toLongArray());
            assertArrayEquals(new long[] {5, 2}, b.melLengths().toLongArray());
            assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, b.textMask().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0}, b.melMask().toFloatArray());
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}, b.gate().toFloatArray(),
                    "gate is 1 from the decoder step (3 frames) that holds each utterance's last frame on");
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, b.gateMask().toFloatArray(),
                    "the gate is trained on each utterance's own steps, the rest of the last step included");
            float[] mel = b.mel().toFloatArray();
            // item a band 2: frames 1..5 then one padded 0
            assertArrayEquals(new float[] {2001, 2002, 2003, 2004, 2005, 0}, slice(mel, (0 * MELS + 2) * 6, 6));
            // item b band 1: 2 frames then padding
            assertArrayEquals(new float[] {1001, 1002, 0, 0, 0, 0}, slice(mel, (1 * MELS + 1) * 6, 6));
        }
    }

    @Test
    void batchOfOne() {
        BatchLoader loader = new BatchLoader(split(item("only", 3, 4)), 8, 2);
        assertEquals(1, loader.batchesPerEpoch());
        List<BatchIndices> plan = loader.plan(1);
        assertEquals(List.of(new BatchIndices(List.of(0))), plan);
        try (NDManager m = root.newSubManager(); Batch b = loader.assemble(plan.get(0), m, Device.cpu())) {
            assertEquals(1, b.size());
            assertEquals(new Shape(1, MELS, 4), b.mel().getShape(), "4 frames is already a multiple of 2");
            assertArrayEquals(new float[] {0, 0, 1, 1}, b.gate().toFloatArray(), "the last step (2 frames) says stop");
            assertArrayEquals(new float[] {1, 1, 1, 1}, b.gateMask().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1}, b.melMask().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1}, b.textMask().toFloatArray());
        }
    }

    @Test
    void veryDifferentLengths() {
        BatchLoader loader = new BatchLoader(split(item("short", 1, 1), item("long", 150, 997)), 2, 3);
        try (NDManager m = root.newSubManager(); Batch b = loader.assemble(new BatchIndices(List.of(0, 1)), m, Device.cpu())) {
            assertEquals(new Shape(2, MELS, 999), b.mel().getShape());
            float[] gate = b.gate().toFloatArray();
            float[] mask = b.melMask().toFloatArray();
            float[] gateMask = b.gateMask().toFloatArray();
            for (int t = 0; t < 999; t++) {
                assertEquals(1f, gate[t], "short item: last frame is 0, so every frame says stop");
                assertEquals(t < 1 ? 1f : 0f, mask[t]);
                assertEquals(t >= 996 ? 1f : 0f, gate[999 + t], "long item frame " + t + " (last step: 996-998)");
                assertEquals(t < 999 ? 1f : 0f, gateMask[999 + t]);
                assertEquals(t < 997 ? 1f : 0f, mask[999 + t]);
            }
            float[] mel = b.mel().toFloatArray();
            assertEquals(1f, mel[0]);
            for (int t = 1; t < 999; t++) {
                assertEquals(0f, mel[t], "short item padded with 0 at frame " + t);
            }
            assertEquals(997f, mel[(1 * MELS) * 999 + 996]);
            assertEquals(0f, mel[(1 * MELS) * 999 + 997]);
            long[] text = b.text().toLongArray();
            assertEquals(150 * 2, text.length);
            for (int j = 1; j < 150; j++) {
                assertEquals(0L, text[j]);
            }
        }
    }

    @Test
    void everyArrayOnTheDeviceAndManagerAsked() {
        BatchLoader loader = new BatchLoader(split(item("a", 2, 3), item("b", 5, 8), item("c", 1, 1)), 2, 1);
        Device device = Device.cpu();
        try (NDManager m = root.newSubManager(device)) {
            for (BatchIndices idx : loader.orderedPlan()) {
                Batch b = loader.assemble(idx, m, device);
                for (NDArray a : b.list()) {
                    assertEquals(device, a.getDevice(), a.getName());
                    assertSame(m, a.getManager(), a.getName());
                }
            }
        }
        AtomicInteger seen = new AtomicInteger();
        loader.forEachBatch(3, root, device, b -> {
            seen.incrementAndGet();
            for (NDArray a : b.list()) {
                assertEquals(device, a.getDevice());
                assertSame(root, a.getManager().getParentManager(), "a per-step sub-manager of the one given");
            }
        });
        assertEquals(2, seen.get());
    }

    @Test
    void refusesAManagerOnAnotherDevice() {
        BatchLoader loader = new BatchLoader(split(item("a", 2, 3)), 2, 1);
        try (NDManager m = root.newSubManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loader.assemble(new BatchIndices(List.of(0)), m, Device.gpu(3)));
            assertTrue(e.getMessage().contains("gpu(3)"), e.getMessage());
        }
    }

    @Test
    void planIsSeededCompleteAndBucketed() {
        List<Utterance> items = new ArrayList<>();
        for (int i = 0; i < 203; i++) {
            items.add(item("u" + i, 1 + i % 13, 1 + (i * 37) % 190));
        }
        BatchLoader loader = new BatchLoader(new DatasetSplit("train", items, MELS), 8, 2);
        List<BatchIndices> p1 = loader.plan(42);
        assertEquals(p1, loader.plan(42), "same seed, same plan");
        assertNotEquals(p1, loader.plan(43), "another seed reorders");
        assertEquals(26, p1.size());
        Set<Integer> all = new HashSet<>();
        long padding = 0;
        for (BatchIndices b : p1) {
            assertTrue(b.size() <= 8);
            int max = 0;
            for (int i : b.items()) {
                assertTrue(all.add(i), "item " + i + " twice");
                max = Math.max(max, items.get(i).frames());
            }
            for (int i : b.items()) {
                padding += max - items.get(i).frames();
            }
        }
        assertEquals(203, all.size());
        List<Integer> shuffled = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            shuffled.add(i);
        }
        java.util.Collections.shuffle(shuffled, new java.util.Random(42));
        long unbucketed = 0;
        for (int start = 0; start < shuffled.size(); start += 8) {
            List<Integer> b = shuffled.subList(start, Math.min(shuffled.size(), start + 8));
            int max = b.stream().mapToInt(i -> items.get(i).frames()).max().orElseThrow();
            for (int i : b) {
                unbucketed += max - items.get(i).frames();
            }
        }
        assertTrue(padding * 4 < unbucketed, "bucketed padding " + padding + " vs unbucketed " + unbucketed);
        List<BatchIndices> ordered = loader.orderedPlan();
        assertEquals(ordered, loader.orderedPlan());
    }

    @Test
    void rejectsBadArguments() {
        DatasetSplit s = split(item("a", 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(s, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(s, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(new DatasetSplit("v", List.of(), MELS), 1, 1));
        BatchLoader loader = new BatchLoader(s, 1, 1);
        try (NDManager m = root.newSubManager()) {
            assertThrows(IllegalArgumentException.class, () -> loader.assemble(new BatchIndices(List.of(5)), m, Device.cpu()));
        }
    }

    private static float[] slice(float[] a, int from, int n) {
        float[] r = new float[n];
        System.arraycopy(a, from, r, 0, n);
        return r;
    }
}
