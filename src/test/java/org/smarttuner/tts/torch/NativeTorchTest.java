package org.smarttuner.tts.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where libtorch comes from; each bad setting is a clear error. Runs without touching this JVM's DJL. */
class NativeTorchTest {
    @TempDir
    Path tmp;

    private static NativeTorch.Source prepare(Map<String, String> env, Path cache) {
        return NativeTorch.prepare(env::get, cache);
    }

    private Path fakeArchive(String flavor, String djl, String... extra) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("libtorch-" + flavor));
        Files.writeString(dir.resolve("libtorch.so"), "");
        Files.writeString(dir.resolve(NativeTorch.JNI), "");
        for (String f : extra) {
            Files.writeString(dir.resolve(f), "");
        }
        Properties p = new Properties();
        p.setProperty("version", "2.7.1-20250812");
        p.setProperty("flavor", flavor);
        p.setProperty("djl_version", djl);
        p.setProperty("jni_version", "2.7.1-" + djl);
        try (var out = Files.newOutputStream(dir.resolve(NativeTorch.MARKER))) {
            p.store(out, null);
        }
        return dir;
    }

    @Test
    void aLibraryPathWithoutLibtorchSaysWhereItLooked() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String path = empty + java.io.File.pathSeparator + tmp.resolve("missing");
        NativeTorch.LibTorchException e = assertThrows(NativeTorch.LibTorchException.class,
                () -> prepare(Map.of(NativeTorch.LIBRARY_PATH, path), tmp.resolve("cache")));
        assertTrue(e.getMessage().contains(empty + " (no libtorch.so in it)"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("missing") + " (does not exist)"), e.getMessage());
        assertTrue(e.getMessage().contains("smart-tuner libtorch-archive"), e.getMessage());
    }

    @Test
    void anArchiveBuiltForAnotherDjlIsRefused() throws IOException {
        Path dir = fakeArchive("cpu", "0.1.0");
        NativeTorch.LibTorchException e = assertThrows(NativeTorch.LibTorchException.class,
                () -> prepare(Map.of(NativeTorch.LIBRARY_PATH, dir.toString()), tmp.resolve("cache")));
        assertTrue(e.getMessage().contains("built for DJL 0.1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("this job runs DJL " + NativeTorch.engineDjlVersion()), e.getMessage());
    }

    @Test
    void anArchiveTellsDjlItsVersionAndFlavourUnlessTheUserDid() throws IOException {
        Path dir = fakeArchive("cpu", NativeTorch.engineDjlVersion());
        NativeTorch.Source s = prepare(Map.of(NativeTorch.LIBRARY_PATH, dir.toString()), tmp.resolve("cache"));
        assertEquals("archive", s.kind());
        assertEquals(Optional.of(dir), s.dir());
        assertEquals(Map.of(NativeTorch.VERSION, "2.7.1-20250812", NativeTorch.FLAVOR, "cpu"), s.settings());

        Map<String, String> env = new HashMap<>(Map.of(NativeTorch.LIBRARY_PATH, dir.toString(),
                NativeTorch.FLAVOR, "cpu-precxx11"));
        assertEquals(Map.of(NativeTorch.VERSION, "2.7.1-20250812"), prepare(env, tmp.resolve("cache")).settings(),
                "a flavour the user set is theirs");
    }

    @Test
    void aRelativeLibraryPathIsTheExecutorsWorkingFolder() throws IOException {
        Path dir = fakeArchive("cpu", NativeTorch.engineDjlVersion());
        Path cwd = Path.of("").toAbsolutePath();
        String relative = cwd.relativize(dir).toString();
        assertEquals(Optional.of(dir), prepare(Map.of(NativeTorch.LIBRARY_PATH, relative), tmp.resolve("cache")).dir());
    }

    @Test
    void aCudaArchiveOnAMachineWithoutAGpuDriverLoadsAsCpu() throws IOException {
        assumeFalse(NativeTorch.driverPresent(), "this machine has a GPU driver: the CUDA flavour stays");
        Path dir = fakeArchive("cu124", NativeTorch.engineDjlVersion(), "libcaffe2_nvrtc.so", "libtorch_cuda.so");
        NativeTorch.Source s = prepare(Map.of(NativeTorch.LIBRARY_PATH, dir.toString()), tmp.resolve("cache"));
        assertEquals("cu124", s.flavor(), "the libtorch is still the CUDA build");
        assertEquals("cpu", s.settings().get(NativeTorch.FLAVOR), "DJL must not load the NVRTC shim (needs libcuda)");
        assertTrue(s.describe().endsWith("no GPU driver here, so CPU only"), s.describe());
    }

    @Test
    void theBuildsOwnNativesNeedNoSetting() {
        Properties bundled = NativeTorch.classpathProperties("native/lib/pytorch.properties").orElseThrow();
        boolean cuda = bundled.getProperty("flavor", "cpu").startsWith("cu");
        // the -Pcuda build: DJL's real cache, where this JVM's start already extracted the 4 GB once
        Path cache = cuda ? ai.djl.util.Utils.getEngineCacheDir("pytorch") : tmp.resolve("cache");
        NativeTorch.Source s = prepare(Map.of(), cache);
        if (cuda) {
            // the -Pcuda build: extracted beside DJL's cache layout, with their JNI library, and handed to DJL
            assertEquals("bundled-cuda", s.kind());
            assertTrue(Files.isRegularFile(s.dir().orElseThrow().resolve("libtorch.so")));
            assertTrue(Files.isRegularFile(s.dir().orElseThrow().resolve(NativeTorch.JNI)));
            assertEquals(s.dir().orElseThrow().toString(), s.settings().get(NativeTorch.LIBRARY_PATH));
        } else {
            assertEquals("classpath", s.kind());
            assertEquals(Map.of(), s.settings());
            assertFalse(Files.exists(tmp.resolve("cache")), "nothing extracted for a CPU build");
        }
    }
}
