package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy files read back by DJL's own npy reader (numpy reads them in SynthesizeCommandTest). */
class NpyWriterTest {
    @TempDir
    Path dir;

    @Test
    void djlReadsBackTheShapeTypeAndValuesInRowMajorOrder() throws Exception {
        float[] v = {0f, 1.5f, -2f, Float.MIN_VALUE, 1e30f, -0f};
        Path f = dir.resolve("m.npy");
        NpyWriter.write(f, v, 2, 3);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(NpyWriter.header(2, 3).length + v.length * 4, bytes.length, "the header, then the data");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = NDList.decode(m, bytes).singletonOrThrow();
            assertEquals(new Shape(2, 3), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertArrayEquals(v, a.toFloatArray());
        }
    }

    @Test
    void theHeaderIsVersionOneDictPaddedToSixtyFourBytes() {
        byte[] h = NpyWriter.header(80, 1234);
        assertEquals(128, h.length, "as numpy writes it: 10 + 117 + the newline");
        assertEquals((byte) 0x93, h[0]);
        assertEquals("NUMPY", new String(h, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, h[6]);
        assertEquals(0, h[7]);
        assertEquals(h.length - 10, (h[8] & 0xFF) | (h[9] & 0xFF) << 8, "little-endian header length");
        String dict = new String(h, 10, h.length - 10, StandardCharsets.US_ASCII);
        assertTrue(dict.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (80, 1234), }"), dict);
        assertTrue(dict.endsWith(" \n"), "space padding, newline last");
    }

    @Test
    void rowsOfAMatrixAndAWrongCountAreChecked() throws Exception {
        Path f = dir.resolve("rows.npy");
        NpyWriter.write(f, new float[][] {{1, 2}, {3, 4}, {5, 6}}, 2);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = NDList.decode(m, Files.readAllBytes(f)).singletonOrThrow();
            assertEquals(new Shape(3, 2), a.getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloatArray());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.write(f, new float[][] {{1, 2}, {3}}, 2));
        assertTrue(e.getMessage().contains("row 1 has 1 values, not 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NpyWriter.write(f, new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 values are not a 2 x 3 matrix"), e.getMessage());
    }
}
