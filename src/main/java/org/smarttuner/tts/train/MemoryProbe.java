package org.smarttuner.tts.train;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process (Linux /proc) and device memory in use. */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    /** Current resident set size in bytes, or -1 where /proc is not available. */
    public static long rss() {
        return status("VmRSS:");
    }

    /** Resident high-water mark since start or the last {@link #resetPeak()}, or -1. */
    public static long peakRss() {
        return status("VmHWM:");
    }

    /** Starts a new high-water mark (Linux 4.0+); silently keeps the old one where not allowed. */
    public static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // the peak then covers the process lifetime: an over-estimate, never an under-estimate
        }
    }

    public static long gpuUsed(Device device) {
        if (!device.isGpu()) {
            return 0;
        }
        try {
            // the CUDA runtime libtorch loaded (bundled or archived), not a system libcudart
            return org.smarttuner.tts.torch.CudaProbe.memoryUsed(device.getDeviceId());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
