package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

/**
 * Conv1d with "same" padding (odd kernel), stride 1, over (B, C, T).
 *
 * <p>On the CPU it is computed as im2col + one matmul, not with libtorch's convolution: on these
 * machines (libtorch 2.7.1 CPU, oneDNN, AMD EPYC) the convolution's backward pass returns NaN in
 * the input gradient for about 1 call in 30-100 (reproduced with a bare conv1d on random data, with
 * 1 and 2 threads), which poisons every gradient upstream. Matmuls and slices are reliable. On a
 * GPU the native convolution (cuDNN) is used.
 */
final class SameConv {
    /**
     * Tests only: run the native-convolution branches (the GPU's) on the CPU too, so their shapes and
     * padding are checked against im2col where no GPU is (forward passes only: see above).
     */
    static volatile boolean nativeOnCpu;

    private SameConv() {
    }

    /** Whether convolutions on {@code device} use libtorch's own (cuDNN on a GPU). */
    static boolean nativeConv(ai.djl.Device device) {
        return device.isGpu() || nativeOnCpu;
    }

    /**
     * @param weight (O, C, K), any manager: its reshape is attached to the scope
     * @param bias (O) or null
     */
    static NDArray apply(NDArray x, NDArray weight, NDArray bias, NDManager scope) {
        long k = weight.getShape().get(2);
        long pad = (k - 1) / 2;
        if (nativeConv(x.getDevice())) {
            return Conv1d.conv1d(x, weight, bias, new Shape(1), new Shape(pad), new Shape(1)).singletonOrThrow();
        }
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long t = x.getShape().get(2);
        long o = weight.getShape().get(0);
        NDArray padded = pad == 0 ? x : NDArrays.concat(new NDList(scope.zeros(new Shape(b, c, pad)), x,
                scope.zeros(new Shape(b, c, pad))), 2);
        NDList shifted = new NDList((int) k);
        for (long i = 0; i < k; i++) {
            shifted.add(padded.get(":, :, {}:{}", i, i + t));
        }
        NDArray cols = NDArrays.stack(shifted, 2).reshape(b, c * k, t);
        NDArray w = weight.reshape(o, c * k);
        w.attach(scope);
        NDArray y = w.matMul(cols);
        if (bias == null) {
            return y;
        }
        NDArray column = bias.reshape(o, 1);
        column.attach(scope);
        return y.addi(column);
    }

    /**
     * The index that turns a zero-padded (B, C, T + K - 1) array into im2col columns (B, C, K * T)
     * with one gather: column k * T + t reads position t + k. For a conv run at every decoder step.
     */
    static NDArray gatherIndex(long b, long c, long t, long k, NDManager scope) {
        long[] idx = new long[(int) (k * t)];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < t; j++) {
                idx[(int) (i * t + j)] = i + j;
            }
        }
        return scope.create(idx, new Shape(1, 1, k * t)).broadcast(b, c, k * t);
    }
}
