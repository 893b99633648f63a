package org.smarttuner.tts.torch;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What CUDA this process's libtorch can use, asked of the CUDA runtime libtorch itself loaded.
 *
 * <p>DJL's own probe ({@code CudaUtils}) loads a system {@code libcudart} by name; a libtorch that
 * bundles its CUDA runtime (DJL's CUDA natives, an archive made from them, a pip wheel's
 * {@code nvidia/*} libraries) runs on machines that have only the GPU driver, where that probe finds
 * no runtime and reports no GPU. This probe looks for the runtime next to libtorch first, then in a
 * pip wheel's layout, then on the system library path, and says which one it used, or what is
 * missing.
 */
public final class CudaProbe {
    private static final Pattern CUDART = Pattern.compile("libcudart(-[0-9a-f]+)?\\.so(\\.\\d+)*");
    private static final Pattern CUDNN = Pattern.compile("libcudnn(-[0-9a-f]+)?\\.so(\\.\\d+)*");
    private static final int ATTR_CC_MAJOR = 75;
    private static final int ATTR_CC_MINOR = 76;
    private static final int ATTR_SM_COUNT = 16;
    private static CudaInfo cached;

    private CudaProbe() {
    }

    /** One GPU: index, name, compute capability, multiprocessors. */
    public record Gpu(int index, String name, int ccMajor, int ccMinor, int multiprocessors) {
        /** TF32 tensor cores: Ampere (8.0) and newer. */
        public boolean tf32Capable() {
            return ccMajor >= 8;
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s (compute capability %d.%d, %d SMs)", name, ccMajor, ccMinor,
                    multiprocessors);
        }
    }

    /**
     * @param devices GPUs the runtime sees (0 when none or no runtime)
     * @param runtime the libcudart used, if one was found
     * @param runtimeVersion CUDA runtime version (e.g. 12040), or 0
     * @param driverVersion the newest CUDA the driver supports (e.g. 13000), or 0 without a driver
     * @param cudnnVersion cuDNN version (e.g. 90100), or 0 when none was found
     * @param problem why no GPU can be used, empty when {@code devices > 0}
     */
    public record CudaInfo(int devices, Optional<Path> runtime, int runtimeVersion, int driverVersion,
                           int cudnnVersion, List<Gpu> gpus, String problem) {
        /** cuDNN's version as text (90100 as 9.1.0). */
        public String cudnn() {
            return cudnnVersion / 10000 + "." + cudnnVersion / 100 % 100 + "." + cudnnVersion % 100;
        }

        public String describe() {
            StringBuilder s = new StringBuilder();
            s.append(devices).append(" GPU(s)");
            runtime.ifPresent(r -> s.append(", CUDA runtime ").append(version(runtimeVersion)).append(" (")
                    .append(r).append(')'));
            if (driverVersion > 0) {
                s.append(", driver supports CUDA ").append(version(driverVersion));
            }
            if (cudnnVersion > 0) {
                s.append(", cuDNN ").append(cudnn());
            }
            for (Gpu g : gpus) {
                s.append("; gpu ").append(g.index()).append(": ").append(g.describe());
            }
            if (!problem.isEmpty()) {
                s.append("; ").append(problem);
            }
            return s.toString();
        }
    }

    /** CUDA's integer versions (12040) as text (12.4). */
    public static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    /** The probe of this process (the engine is loaded first); cached, the answer does not change. */
    public static synchronized CudaInfo probe() {
        if (cached == null) {
            cached = probe(Engine.getEngine("PyTorch"));
        }
        return cached;
    }

    private static CudaInfo probe(Engine engine) {
        Path dir = Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath());
        boolean cudaBuild = engine.hasCapability(StandardCapabilities.CUDA)
                || Files.exists(dir.resolve("libtorch_cuda.so"));
        if (!cudaBuild) {
            return new CudaInfo(0, Optional.empty(), 0, 0, 0, List.of(), "this libtorch (" + dir + ") is built "
                    + "without CUDA: give executors a CUDA libtorch archive (smart-tuner libtorch-archive from the -Pcuda "
                    + "build) to train on GPUs");
        }
        Optional<Path> cudart = find(dir, CUDART);
        NativeLibrary rt;
        try {
            rt = cudart.isPresent() ? NativeLibrary.getInstance(cudart.get().toString())
                    : NativeLibrary.getInstance("cudart");
        } catch (UnsatisfiedLinkError e) {
            return new CudaInfo(0, Optional.empty(), 0, 0, 0, List.of(), "libtorch at " + dir + " is a CUDA build, "
                    + "but no CUDA runtime (libcudart) was found next to it, in a pip wheel's nvidia/cuda_runtime/lib, "
                    + "nor on the system library path (LD_LIBRARY_PATH): " + e.getMessage());
        }
        Path used = cudart.orElse(Path.of(rt.getFile() == null ? "libcudart (system)" : rt.getFile().toString()));
        int[] v = new int[1];
        int runtime = rt.getFunction("cudaRuntimeGetVersion").invokeInt(new Object[] {v}) == 0 ? v[0] : 0;
        v[0] = 0;
        int driver = rt.getFunction("cudaDriverGetVersion").invokeInt(new Object[] {v}) == 0 ? v[0] : 0;
        int cudnn = find(dir, CUDNN).map(CudaProbe::cudnnVersion).orElse(0);
        int[] count = new int[1];
        int rc = rt.getFunction("cudaGetDeviceCount").invokeInt(new Object[] {count});
        if (rc != 0) {
            String err = rt.getFunction("cudaGetErrorString").invokeString(new Object[] {rc}, false);
            return new CudaInfo(0, Optional.of(used), runtime, driver, cudnn, List.of(), "the CUDA runtime finds no "
                    + "usable GPU: " + err + " (error " + rc + ")" + (driver == 0 ? "; no GPU driver (libcuda) is "
                    + "installed on this machine" : ""));
        }
        List<Gpu> gpus = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            gpus.add(gpu(rt, i));
        }
        return new CudaInfo(count[0], Optional.of(used), runtime, driver, cudnn, gpus,
                count[0] == 0 ? "the CUDA runtime sees 0 GPUs (CUDA_VISIBLE_DEVICES?)" : "");
    }

    /**
     * Device memory in use on GPU {@code index} (total minus free, as {@code nvidia-smi} counts it:
     * libtorch's cached blocks included), or -1 where it cannot be read.
     */
    public static long memoryUsed(int index) {
        long[] m = memory(index);
        return m == null ? -1 : m[1] - m[0];
    }

    /** {free, total} bytes of GPU {@code index} ({@code cudaMemGetInfo}), or null where it cannot be read. */
    public static long[] memory(int index) {
        CudaInfo info = probe();
        if (info.devices() <= index || info.runtime().isEmpty()) {
            return null;
        }
        NativeLibrary rt = NativeLibrary.getInstance(info.runtime().get().toString());
        int[] current = new int[1];
        rt.getFunction("cudaGetDevice").invokeInt(new Object[] {current});
        try {
            if (rt.getFunction("cudaSetDevice").invokeInt(new Object[] {index}) != 0) {
                return null;
            }
            long[] free = new long[1];
            long[] total = new long[1];
            return rt.getFunction("cudaMemGetInfo").invokeInt(new Object[] {free, total}) == 0
                    ? new long[] {free[0], total[0]} : null;
        } finally {
            rt.getFunction("cudaSetDevice").invokeInt(new Object[] {current[0]});
        }
    }

    private static Gpu gpu(NativeLibrary rt, int index) {
        int[] v = new int[1];
        int major = rt.getFunction("cudaDeviceGetAttribute").invokeInt(new Object[] {v, ATTR_CC_MAJOR, index}) == 0
                ? v[0] : 0;
        int minor = rt.getFunction("cudaDeviceGetAttribute").invokeInt(new Object[] {v, ATTR_CC_MINOR, index}) == 0
                ? v[0] : 0;
        int sms = rt.getFunction("cudaDeviceGetAttribute").invokeInt(new Object[] {v, ATTR_SM_COUNT, index}) == 0
                ? v[0] : 0;
        // cudaDeviceProp starts with char name[256] in every CUDA version; the buffer is larger than the struct.
        String name = "?";
        try (Memory prop = new Memory(16384)) {
            prop.clear();
            String fn = functionExists(rt, "cudaGetDeviceProperties_v2") ? "cudaGetDeviceProperties_v2"
                    : "cudaGetDeviceProperties";
            if (rt.getFunction(fn).invokeInt(new Object[] {prop, index}) == 0) {
                byte[] b = prop.getByteArray(0, 256);
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                name = new String(b, 0, n, StandardCharsets.UTF_8);
            }
        }
        return new Gpu(index, name, major, minor, sms);
    }

    private static boolean functionExists(NativeLibrary lib, String name) {
        try {
            lib.getFunction(name);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static int cudnnVersion(Path lib) {
        try {
            long v = NativeLibrary.getInstance(lib.toString()).getFunction("cudnnGetVersion").invokeLong(new Object[0]);
            return (int) v;
        } catch (UnsatisfiedLinkError e) {
            return 0;
        }
    }

    /**
     * A library next to libtorch, else in a pip wheel's layout ({@code site-packages/torch/lib} next
     * to {@code site-packages/nvidia/<part>/lib}).
     */
    static Optional<Path> find(Path dir, Pattern name) {
        List<Path> places = new ArrayList<>(List.of(dir));
        Path sitePackages = dir.getParent() == null ? null : dir.getParent().getParent();
        if (sitePackages != null && Files.isDirectory(sitePackages.resolve("nvidia"))) {
            try (Stream<Path> parts = Files.list(sitePackages.resolve("nvidia"))) {
                parts.map(p -> p.resolve("lib")).filter(Files::isDirectory).sorted().forEach(places::add);
            } catch (IOException e) {
                // no wheel layout to search
            }
        }
        for (Path p : places) {
            try (Stream<Path> files = Files.list(p)) {
                Optional<Path> hit = files.filter(f -> name.matcher(f.getFileName().toString()).matches()).sorted()
                        .findFirst();
                if (hit.isPresent()) {
                    return hit;
                }
            } catch (IOException e) {
                // unreadable folder: look in the next
            }
        }
        return Optional.empty();
    }
}
