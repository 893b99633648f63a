package org.smarttuner.tts.interop;

import java.util.Arrays;

/**
 * A tensor held in Java memory, row-major and contiguous: what a checkpoint file holds for one
 * name, independent of any engine. Floating-point tensors of every width are widened to float32 when
 * read (float64 is narrowed); integer tensors (batch-norm's {@code num_batches_tracked}) keep their
 * values in {@code data} as floats and are marked {@link #integer}.
 */
public record HostTensor(long[] shape, float[] data, boolean integer) {
    public HostTensor {
        long n = elements(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements, got " + data.length);
        }
        shape = shape.clone();
    }

    public static HostTensor of(float[] data, long... shape) {
        return new HostTensor(shape, data, false);
    }

    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public String shapeText() {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    public boolean sameShape(long... other) {
        return Arrays.equals(shape, other);
    }

    /** The same values under another shape with as many elements. */
    public HostTensor reshape(long... newShape) {
        return new HostTensor(newShape, data, integer);
    }

    /** Columns {@code from} to {@code to} of a matrix. */
    public HostTensor columns(int from, int to) {
        requireMatrix();
        int r = (int) shape[0];
        int c = (int) shape[1];
        int w = to - from;
        float[] out = new float[r * w];
        for (int i = 0; i < r; i++) {
            System.arraycopy(data, i * c + from, out, i * w, w);
        }
        return new HostTensor(new long[] {r, w}, out, integer);
    }

    /** Matrices with the same row count side by side. */
    public static HostTensor concatColumns(HostTensor... parts) {
        int r = (int) parts[0].shape[0];
        int total = 0;
        for (HostTensor p : parts) {
            p.requireMatrix();
            if (p.shape[0] != r) {
                throw new IllegalArgumentException("cannot put a " + p.shapeText() + " matrix beside one with " + r
                        + " rows");
            }
            total += (int) p.shape[1];
        }
        float[] out = new float[r * total];
        int offset = 0;
        for (HostTensor p : parts) {
            int c = (int) p.shape[1];
            for (int i = 0; i < r; i++) {
                System.arraycopy(p.data, i * c, out, i * total + offset, c);
            }
            offset += c;
        }
        return new HostTensor(new long[] {r, total}, out, false);
    }

    /** Element-wise sum of two tensors of one shape. */
    public HostTensor plus(HostTensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("cannot add " + other.shapeText() + " to " + shapeText());
        }
        float[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += other.data[i];
        }
        return new HostTensor(shape, out, integer);
    }

    /** The first {@code n} rows, or the rows padded with zero rows up to {@code n}. */
    public HostTensor resizeRows(long n) {
        long row = data.length / Math.max(1, shape[0]);
        long[] s = shape.clone();
        s[0] = n;
        return new HostTensor(s, Arrays.copyOf(data, (int) (n * row)), integer);
    }

    public static HostTensor zeros(long... shape) {
        return new HostTensor(shape, new float[(int) elements(shape)], false);
    }

    private void requireMatrix() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("expected a matrix, got shape " + shapeText());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostTensor h && h.integer == integer && Arrays.equals(h.shape, shape)
                && Arrays.equals(h.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HostTensor" + shapeText();
    }
}
