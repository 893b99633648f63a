package org.smarttuner.tts.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/** The .npy files read back by DJL's own npy reader and by numpy (also in SynthesizeCommandTest). */
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

    @Test
    void headersOfOtherTypesAndShapesAreWhatNumpyWrites() {
        // np.lib.format.header_data_from_array_1_0 + write_array_header_1_0 give these dicts
        assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (7,), }", dict(NpyWriter.header(
                NpyWriter.Dtype.INT64, 7)));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 80, 412), }", dict(NpyWriter.header(
                NpyWriter.Dtype.FLOAT32, 3, 80, 412)));
        assertEquals("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", dict(NpyWriter.header(
                NpyWriter.Dtype.INT64)));
        for (long[] shape : new long[][] {{}, {1}, {5, 0}, {12345678, 80, 1000}}) {
            byte[] h = NpyWriter.header(NpyWriter.Dtype.INT64, shape);
            assertEquals(0, h.length % 64, "the data starts on a 64-byte boundary");
            assertEquals('\n', h[h.length - 1]);
        }
    }

    private static String dict(byte[] h) {
        assertEquals(h.length - 10, (h[8] & 0xFF) | (h[9] & 0xFF) << 8);
        return new String(h, 10, h.length - 10, StandardCharsets.US_ASCII).strip();
    }

    @Test
    void numpyReadsInt64AndThreeDimensionalFloatsWithTheirValues() throws Exception {
        Path ids = dir.resolve("ids.npy");
        Path lengths = dir.resolve("lengths.npy");
        Path cube = dir.resolve("cube.npy");
        Path empty = dir.resolve("empty.npy");
        try (NpyWriter.Out out = NpyWriter.open(ids, NpyWriter.Dtype.INT64, 2, 3)) {
            for (long v : new long[] {1, -2, 3, Long.MAX_VALUE, 0, 1L << 40}) {
                out.put(v);
            }
        }
        try (NpyWriter.Out out = NpyWriter.open(lengths, NpyWriter.Dtype.INT64, 2)) {
            out.ints(new int[] {7, 3, 1}, 1, 2); // 3, 1
        }
        try (NpyWriter.Out out = NpyWriter.open(cube, NpyWriter.Dtype.FLOAT32, 2, 2, 3)) {
            out.floats(new float[] {9, 1.5f, -2, 4}, 1, 2); // 1.5, -2
            out.zeros(1);
            out.floats(new float[] {3, 4, 5}, 0, 3);
            out.zeros(6);
        }
        NpyWriter.writeFloat32(empty, new float[0], 0, 80, 0);
        JsonNode j = new ObjectMapper().readTree(PythonEnv.run("npy_info.py", 120, "--values", ids.toString(),
                lengths.toString(), cube.toString(), empty.toString()));
        JsonNode a = j.get(ids.toString());
        assertEquals("int64", a.get("dtype").asText());
        assertEquals("[[1,-2,3],[9223372036854775807,0,1099511627776]]", a.get("values").toString());
        assertEquals("[3,1]", j.get(lengths.toString()).get("values").toString());
        JsonNode c = j.get(cube.toString());
        assertEquals("float32", c.get("dtype").asText());
        assertEquals("[2,2,3]", c.get("shape").toString());
        assertEquals("[[[1.5,-2.0,0.0],[3.0,4.0,5.0]],[[0.0,0.0,0.0],[0.0,0.0,0.0]]]", c.get("values").toString());
        assertFalse(c.get("fortran_order").asBoolean());
        assertEquals("[1,0]", c.get("version").toString());
        assertEquals("[0,80,0]", j.get(empty.toString()).get("shape").toString());
    }

    @Test
    void aFileTakesExactlyItsShapesCountOfItsType() throws Exception {
        Path f = dir.resolve("x.npy");
        NpyWriter.Out out = NpyWriter.open(f, NpyWriter.Dtype.INT64, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out.floats(new float[1], 0, 1));
        assertTrue(e.getMessage().contains("FLOAT32 values written to a INT64 file"), e.getMessage());
        out.put(1);
        e = assertThrows(IllegalArgumentException.class, () -> out.ints(new int[4], 0, 4));
        assertTrue(e.getMessage().contains("5 values do not fit shape (2, 2)"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, out::close);
        assertTrue(s.getMessage().contains("1 values written, shape (2, 2) holds 4"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.writeFloat32(f, new float[3], 2, 2));
    }
}
