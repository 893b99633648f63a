package org.smarttuner.tts.audio;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a float32 matrix as a NumPy {@code .npy} file (format version 1.0), so that
 * {@code numpy.load} and the vocoders that take a mel as {@code .npy} (HiFi-GAN, WaveGlow) read
 * what Smart Tuner makes.
 *
 * <p>Why not DJL: DJL 0.36 writes the npy format only inside {@code NDList.encode(out,
 * Encoding.NPZ)}, a zip archive of {@code arr_0.npy}...; the method that writes a single array
 * ({@code NDSerializer.encodeAsNumpy}) is package-private. An NPZ is not what a vocoder's
 * inference script loads, and going through native arrays to reach the zip's entry would be a
 * detour for a header and a byte copy. DJL reads these files back ({@code NDList.decode} knows the
 * npy magic), which the tests use as a second reader beside numpy.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, version 1 0, a little-endian uint16 header length, the
 * header dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (a, b), }} padded with
 * spaces and ended by a newline so that the data starts at a multiple of 64 bytes, then the values
 * in C (row-major) order, little-endian.
 */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    private NpyWriter() {
    }

    /** Writes {@code values} (row-major, {@code rows * columns} of them) with shape (rows, columns). */
    public static void write(Path file, float[] values, int rows, int columns) throws IOException {
        if (rows < 0 || columns < 0 || (long) rows * columns != values.length) {
            throw new IllegalArgumentException(values.length + " values are not a " + rows + " x " + columns
                    + " matrix (writing " + file + ")");
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(header(rows, columns));
            ByteBuffer b = ByteBuffer.allocate(Math.min(values.length, 1 << 16) * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                if (!b.hasRemaining()) {
                    out.write(b.array(), 0, b.position());
                    b.clear();
                }
                b.putFloat(v);
            }
            out.write(b.array(), 0, b.position());
        }
    }

    /** Writes a matrix given as rows (all of one length; {@code columns} says it when there are no rows). */
    public static void write(Path file, float[][] matrix, int columns) throws IOException {
        float[] flat = new float[matrix.length * columns];
        for (int i = 0; i < matrix.length; i++) {
            if (matrix[i].length != columns) {
                throw new IllegalArgumentException("row " + i + " has " + matrix[i].length + " values, not "
                        + columns + " (writing " + file + ")");
            }
            System.arraycopy(matrix[i], 0, flat, i * columns, columns);
        }
        write(file, flat, matrix.length, columns);
    }

    static byte[] header(int rows, int columns) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1; // + 1: the closing newline
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        String padded = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) padded.length()).put(padded.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }
}
