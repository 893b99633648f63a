package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smart-tuner libtorch-archive} and {@code smart-tuner engine}: what they write, and each bad input. */
class LibTorchCommandsTest {
    @TempDir
    Path dir;

    private record Run(int rc, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    private static void assertUsage(Run r, String message) {
        assertEquals(Main.USAGE_ERROR, r.rc(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }

    @Test
    void anArchiveFromAFolderHoldsItsLibrariesTheJniAndTheMarkerAtTheTop() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("libtorch/lib"));
        Files.writeString(lib.resolve("libtorch.so"), "torch");
        Files.writeString(lib.resolve("libc10.so"), "c10");
        Files.writeString(lib.resolve("libtorch_python.so"), "python only");
        Files.writeString(lib.resolve("README"), "not a library");
        Path out = dir.resolve("lt.tgz");
        Run r = run("libtorch-archive", "--out", out.toString(), "--from", lib.toString(), "--flavor", "cpu",
                "--torch-version", "2.7.1");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("wrote " + out + ": libtorch 2.7.1 (cpu, linux-x86_64), 3 files"), r.out());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(out)), "readable by the cluster's other users");
        List<String> names = new ArrayList<>();
        Properties marker = new Properties();
        try (InputStream in = Files.newInputStream(out);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName());
                assertTrue(e.isFile(), e.getName() + " is a plain file");
                if (e.getName().equals("smarttuner-libtorch.properties")) {
                    marker.load(tar);
                }
            }
        }
        assertEquals(List.of("smarttuner-libtorch.properties", "libc10.so", "libtorch.so", "libdjl_torch.so"), names);
        assertEquals("2.7.1", marker.getProperty("version"));
        assertEquals("cpu", marker.getProperty("flavor"));
        assertEquals(org.smarttuner.tts.torch.NativeTorchAccess.djlVersion(), marker.getProperty("djl_version"));
        assertTrue(marker.getProperty("jni_version").startsWith("2."), marker.toString());
    }

    @Test
    void badArchiveRequestsAreClearErrors() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        assertUsage(run("libtorch-archive", "--out", dir.resolve("lt.zip").toString()),
                "must end in .tgz, .tar.gz or .tar");
        assertUsage(run("libtorch-archive", "--out", dir.resolve("lt.tgz").toString(), "--from", lib.toString()),
                "--from needs --flavor");
        assertUsage(run("libtorch-archive", "--out", dir.resolve("lt.tgz").toString(), "--from", lib.toString(),
                "--flavor", "cpu", "--torch-version", "2.7.1"), "holds no libtorch.so");
        Files.writeString(lib.resolve("libtorch.so"), "");
        assertUsage(run("libtorch-archive", "--out", dir.resolve("lt.tgz").toString(), "--from", lib.toString(),
                "--flavor", "cu999", "--torch-version", "2.7.1"), "has no JNI library for flavour 'cu999'");
        assertUsage(run("libtorch-archive", "--out", dir.resolve("lt.tgz").toString(), "--flavor", "cpu"),
                "--flavor and --torch-version go with --from");
        Path folder = Files.createDirectories(dir.resolve("x.tgz"));
        assertUsage(run("libtorch-archive", "--out", folder.toString()), "is a folder, not a file");
        assertTrue(Files.notExists(dir.resolve("lt.tgz")), "nothing half-written");
    }

    /** A JVM started with a libtorch folder that is not one stops before DJL would, saying where it looked. */
    @Test
    void aBadLibtorchFolderStopsTheCommandWithAClearError() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "org.smarttuner.cli.Main", "engine").redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("PYTORCH_LIBRARY_PATH", dir.resolve("nope").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
        String out = Files.readString(dir.resolve("out.txt"));
        assertEquals(Main.USAGE_ERROR, p.exitValue(), out);
        assertTrue(out.contains("smart-tuner: PYTORCH_LIBRARY_PATH is '" + dir.resolve("nope") + "', but no "
                + "libtorch.so is there: looked in " + dir.resolve("nope") + " (does not exist)"), out);
    }

    @Test
    void engineSaysWhatDjlSeesAndChecksEveryDevice() throws Exception {
        Run r = run("engine", "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.at("/libtorch/version").asText().matches("\\d+\\.\\d+\\.\\d+"), r.out());
        assertEquals(j.at("/cuda/devices").asInt() + 1, j.at("/checks").size(), "the CPU and every GPU");
        assertTrue(j.at("/checks/0/ok").asBoolean(), r.out());
        assertTrue(j.at("/flags/tf32_matmul").isBoolean(), r.out());
        Run text = run("engine");
        assertTrue(text.out().contains("check cpu(): ok"), text.out());
    }
}
