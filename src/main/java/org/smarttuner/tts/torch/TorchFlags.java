package org.smarttuner.tts.torch;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Path;

/**
 * libtorch's process-wide math settings for GPUs, which DJL does not expose: TF32 for matrix
 * products (cuBLAS) and for convolutions (cuDNN), and cuDNN's autotuner. Set through libtorch's
 * own {@code at::globalContext()} setters (what {@code torch.backends.cuda.matmul.allow_tf32},
 * {@code torch.backends.cudnn.allow_tf32} and {@code torch.backends.cudnn.benchmark} call in
 * Python) and read back from its getters, so what is recorded is what libtorch holds.
 *
 * <p>TF32 keeps float32's range with a 10-bit mantissa in matrix products on Ampere and newer GPUs
 * (about 2-8x the float32 rate); NVIDIA's Tacotron2 figures on A100 are TF32. It changes nothing
 * on the CPU or on older GPUs.
 */
public final class TorchFlags {
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_TF32_CUBLAS = "_ZN2at7Context18setAllowTF32CuBLASEb";
    private static final String SET_TF32_CUDNN = "_ZN2at7Context17setAllowTF32CuDNNEb";
    private static final String SET_BENCHMARK = "_ZN2at7Context17setBenchmarkCuDNNEb";
    private static final String GET_TF32_CUBLAS = "_ZNK2at7Context15allowTF32CuBLASEv";
    private static final String GET_TF32_CUDNN = "_ZNK2at7Context14allowTF32CuDNNEv";
    private static final String GET_BENCHMARK = "_ZNK2at7Context14benchmarkCuDNNEv";

    private TorchFlags() {
    }

    /** What libtorch holds after {@link #apply}: each flag, or null where this libtorch has no getter. */
    public record State(Boolean tf32Matmul, Boolean tf32Cudnn, Boolean cudnnBenchmark) {
        public String describe() {
            return "tf32 matmul " + word(tf32Matmul) + ", tf32 cudnn " + word(tf32Cudnn) + ", cudnn benchmark "
                    + word(cudnnBenchmark);
        }

        private static String word(Boolean b) {
            return b == null ? "?" : b ? "on" : "off";
        }
    }

    /** Sets TF32 (both) and the cuDNN autotuner, then reads them back. Loads the engine if needed. */
    public static synchronized State apply(boolean tf32, boolean cudnnBenchmark) {
        NativeLibrary torch = libtorchCpu();
        Pointer context = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        torch.getFunction(SET_TF32_CUBLAS).invokeVoid(new Object[] {context, tf32});
        torch.getFunction(SET_TF32_CUDNN).invokeVoid(new Object[] {context, tf32});
        torch.getFunction(SET_BENCHMARK).invokeVoid(new Object[] {context, cudnnBenchmark});
        return read(torch, context);
    }

    /** The flags as libtorch holds them now. */
    public static synchronized State read() {
        NativeLibrary torch = libtorchCpu();
        return read(torch, torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]));
    }

    private static State read(NativeLibrary torch, Pointer context) {
        return new State(get(torch, GET_TF32_CUBLAS, context), get(torch, GET_TF32_CUDNN, context),
                get(torch, GET_BENCHMARK, context));
    }

    private static Boolean get(NativeLibrary torch, String symbol, Pointer context) {
        Function f;
        try {
            f = torch.getFunction(symbol);
        } catch (UnsatisfiedLinkError e) {
            return null; // a libtorch whose getter takes arguments (newer versions): not read, not guessed
        }
        // A C++ bool comes back in the low byte of the return register; the rest may be anything.
        return (f.invokeInt(new Object[] {context}) & 0xFF) != 0;
    }

    private static NativeLibrary libtorchCpu() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        Path lib = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath()).resolve("libtorch_cpu.so");
        try {
            return NativeLibrary.getInstance(lib.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot open " + lib + " to set TF32 and cuDNN flags: " + e.getMessage(), e);
        }
    }
}
