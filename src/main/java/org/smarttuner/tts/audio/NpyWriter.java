package org.smarttuner.tts.audio;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * Writes arrays as NumPy {@code .npy} files (format version 1.0): float32 and int64, any shape, so that
 * {@code numpy.load}, the vocoders that take a mel as {@code .npy} (HiFi-GAN, WaveGlow) and the
 * PyTorch peer of {@code bench peer} read what Smart Tuner makes.
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
 * in C (row-major) order, little-endian. A 1-D shape is written as Python writes a 1-tuple, {@code (n,)}.
 */
public final class NpyWriter {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    /** The element types written, with numpy's little-endian type strings. */
    public enum Dtype {
        FLOAT32("<f4", Float.BYTES), INT64("<i8", Long.BYTES);

        final String descr;
        final int bytes;

        Dtype(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }
    }

    private NpyWriter() {
    }

    /** Writes {@code values} (row-major, {@code rows * columns} of them) with shape (rows, columns). */
    public static void write(Path file, float[] values, int rows, int columns) throws IOException {
        if (rows < 0 || columns < 0 || (long) rows * columns != values.length) {
            throw new IllegalArgumentException(values.length + " values are not a " + rows + " x " + columns
                    + " matrix (writing " + file + ")");
        }
        writeFloat32(file, values, rows, columns);
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

    /** Writes float32 {@code values} in C order with {@code shape} (its product must be the count). */
    public static void writeFloat32(Path file, float[] values, long... shape) throws IOException {
        checkCount(file, values.length, shape);
        try (Out out = open(file, Dtype.FLOAT32, shape)) {
            out.floats(values, 0, values.length);
        }
    }

    /**
     * Starts a file of {@code shape} whose values are then written in C order, a piece at a time (a
     * padded batch of a whole dataset need not be one array in memory). Closing checks the count.
     */
    public static Out open(Path file, Dtype dtype, long... shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape)
                        + " (writing " + file + ")");
            }
            count = Math.multiplyExact(count, d);
        }
        byte[] header = header(dtype, shape);
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            os.write(header);
        } catch (IOException e) {
            os.close();
            throw e;
        }
        return new Out(file, os, dtype, shape, count);
    }

    /** An open .npy file taking its values in C order. */
    public static final class Out implements Closeable {
        private final Path file;
        private final OutputStream out;
        private final Dtype dtype;
        private final long[] shape;
        private final long count;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long written;

        private Out(Path file, OutputStream out, Dtype dtype, long[] shape, long count) {
            this.file = file;
            this.out = out;
            this.dtype = dtype;
            this.shape = shape.clone();
            this.count = count;
        }

        public void floats(float[] values, int offset, int length) throws IOException {
            expect(Dtype.FLOAT32, length);
            for (int i = offset; i < offset + length; i++) {
                room().putFloat(values[i]);
            }
        }

        /** {@code n} values of int ids, widened to int64. */
        public void ints(int[] values, int offset, int length) throws IOException {
            expect(Dtype.INT64, length);
            for (int i = offset; i < offset + length; i++) {
                room().putLong(values[i]);
            }
        }

        /** One int64 value. */
        public void put(long value) throws IOException {
            expect(Dtype.INT64, 1);
            room().putLong(value);
        }

        /** {@code n} zeros of the file's type (padding). */
        public void zeros(long n) throws IOException {
            expect(dtype, n);
            for (long i = 0; i < n * dtype.bytes; i++) {
                room().put((byte) 0);
            }
        }

        private void expect(Dtype type, long n) {
            if (type != dtype) {
                throw new IllegalArgumentException(type + " values written to a " + dtype + " file (" + file + ")");
            }
            if (n < 0 || written + n > count) {
                throw new IllegalArgumentException((written + n) + " values do not fit shape " + describe(shape)
                        + " (writing " + file + ")");
            }
            written += n;
        }

        private ByteBuffer room() throws IOException {
            if (buffer.remaining() < Long.BYTES) {
                flushBuffer();
            }
            return buffer;
        }

        private void flushBuffer() throws IOException {
            out.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }

        /** @throws IllegalStateException when fewer values were written than the shape holds */
        @Override
        public void close() throws IOException {
            try (out) {
                flushBuffer();
            }
            if (written != count) {
                throw new IllegalStateException(written + " values written, shape " + describe(shape) + " holds "
                        + count + " (" + file + ")");
            }
        }
    }

    private static void checkCount(Path file, int n, long[] shape) {
        long count = LongStream.of(shape).reduce(1, Math::multiplyExact);
        if (count != n) {
            throw new IllegalArgumentException(n + " values are not of shape " + describe(shape) + " (writing " + file
                    + ")");
        }
    }

    static byte[] header(int rows, int columns) {
        return header(Dtype.FLOAT32, rows, columns);
    }

    static byte[] header(Dtype dtype, long... shape) {
        String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': " + describe(shape) + ", }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1; // + 1: the closing newline
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        String padded = dict + " ".repeat(total - unpadded) + "\n";
        if (padded.length() > 0xFFFF) {
            throw new IllegalArgumentException("a shape of " + shape.length + " dimensions does not fit a version "
                    + "1.0 header");
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) padded.length()).put(padded.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** The shape as Python writes the tuple: (), (n,), (a, b). */
    private static String describe(long[] shape) {
        String inner = LongStream.of(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        return "(" + inner + (shape.length == 1 ? ",)" : ")");
    }
}
