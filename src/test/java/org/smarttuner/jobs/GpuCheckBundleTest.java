package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/**
 * The GPU check's rehearsal, as the device machine will run it but on this CPU: the packed bundle
 * (a jlink'ed runtime and the trainer's jars only, no Spark) fits what may be carried there, its
 * Java runs the trainer on a libtorch archive's folder (what DJL sees, throughput, two trials
 * through the executor's entry point), and on a libtorch no JNI library was built for the check
 * says so instead of running. Needs the runnable layout (runs in {@code verify}).
 */
@Tag("slow")
class GpuCheckBundleTest {
    static final Path PROJECT = JobScriptsTest.PROJECT;
    static final Path SCRIPT = PROJECT.resolve("jobs/gpu-check.sh");

    @TempDir
    Path dir;

    private int run(List<String> cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // the check calls python3: the one with torch
        pb.environment().put("PATH", PythonEnv.python().getParent() + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + cmd);
        return p.exitValue();
    }

    @Test
    void theBundleFitsAndItsJavaTrainsOnAnArchivesLibtorch() throws Exception {
        Path bundle = dir.resolve("gpu-check.tar.xz");
        assertEquals(0, run(List.of(SCRIPT.toString(), "--build", "--bundle", bundle.toString()), dir.resolve("b.log")),
                Files.readString(dir.resolve("b.log")));
        // 64 MiB may be carried to the device with the working tree: the bundle leaves room for it
        assertTrue(Files.size(bundle) < 48L * 1024 * 1024, "bundle is " + Files.size(bundle) / 1048576 + " MiB");

        Path lib = PROJECT.resolve("target/smart-tuner");
        Path archive = dir.resolve("libtorch.tar");
        Path torch = Files.createDirectories(dir.resolve("libtorch"));
        assertEquals(0, run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                lib.resolve("smart-tuner.jar") + ":" + lib.resolve("lib") + "/*", "org.smarttuner.cli.Main",
                "libtorch-archive", "--out", archive.toString()), dir.resolve("a.log")));
        assertEquals(0, new ProcessBuilder("tar", "-xf", archive.toString(), "-C", torch.toString()).start().waitFor());

        Path out = dir.resolve("out");
        int rc = run(List.of(SCRIPT.toString(), "--bundle", bundle.toString(), "--device", "cpu", "--quick",
                "--libtorch", torch.toString(), "--out", out.toString()), dir.resolve("c.log"));
        String log = Files.readString(dir.resolve("c.log")) + Files.readString(out.resolve("gpu-check.log"));
        assertEquals(0, rc, log);
        JsonNode s = new ObjectMapper().readTree(out.resolve("gpu-check.json").toFile());
        assertEquals("archive", s.at("/djl/engine/libtorch/source").asText(), log);
        assertEquals(3, s.at("/djl/throughput").size(), log);
        for (JsonNode t : s.at("/djl/throughput")) {
            assertTrue(t.path("mel_frames_per_s").asLong() > 0, t.toString());
        }
        for (JsonNode t : s.at("/djl/trials")) {
            assertEquals("complete", t.path("state").asText(), t.toString());
        }
        assertEquals(2, s.at("/djl/trials").size());
        assertEquals(2, s.at("/anchor_pytorch/full/results").size(), log);
        assertTrue(s.at("/djl_skipped").isNull(), log);

        // python3's own torch (2.13 here, 2.11 on the device): no JNI library fits it, and the check says so
        Path out2 = dir.resolve("out2");
        int rc2 = run(List.of(SCRIPT.toString(), "--bundle", bundle.toString(), "--device", "cpu", "--quick",
                "--no-anchor", "--out", out2.toString()), dir.resolve("d.log"));
        assertEquals(1, rc2, Files.readString(dir.resolve("d.log")));
        JsonNode s2 = new ObjectMapper().readTree(out2.resolve("gpu-check.json").toFile());
        assertTrue(s2.at("/djl_skipped").asText().contains("are built for libtorch 2.7.1"), s2.toString());
        assertTrue(s2.at("/djl").isNull(), "nothing of DJL ran on the wrong libtorch");
    }
}
