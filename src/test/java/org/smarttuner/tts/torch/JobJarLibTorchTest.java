package org.smarttuner.tts.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar carries no libtorch and no DJL JNI; an executor JVM that has only the job jar and
 * what a Spark cluster provides (no pytorch-native or pytorch-jni jar) loads libtorch from the
 * unpacked archive, offline, with an empty DJL cache that stays empty. Needs {@code mvn package}
 * (runs in {@code verify}).
 */
@Tag("slow")
class JobJarLibTorchTest {
    private static final Path PROJECT = Path.of(System.getProperty("smarttuner.project.dir", ".")).toAbsolutePath();

    @TempDir
    Path tmp;

    static Path jobJar() throws IOException {
        try (Stream<Path> s = Files.list(PROJECT.resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no job jar under target/: run mvn package first"));
        }
    }

    @Test
    void theJobJarHoldsNoLibtorchAndAnExecutorLoadsItFromTheArchiveOffline() throws Exception {
        Path jar = jobJar();
        List<String> natives = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                String n = entries.nextElement().getName();
                if (n.startsWith("pytorch/") || n.startsWith("jnilib/") || n.equals("native/lib/pytorch.properties")
                        || n.contains("torch") && n.endsWith(".so")) {
                    natives.add(n);
                }
            }
        }
        assertEquals(List.of(), natives, jar + " carries libtorch natives");
        assertTrue(Files.size(jar) < 100L * 1024 * 1024, jar + " is " + Files.size(jar) / 1048576 + " MB");

        // The archive, as jobs/tune.sh builds it (from the runnable layout), unpacked as Spark does.
        Path lib = PROJECT.resolve("target/smart-tuner/lib");
        Path archive = tmp.resolve("libtorch.tar");
        run(List.of(java(), "-cp", PROJECT.resolve("target/smart-tuner/smart-tuner.jar") + ":" + lib + "/*",
                "org.smarttuner.cli.Main", "libtorch-archive", "--out",
                archive.toString()), tmp, null);
        Path work = Files.createDirectories(tmp.resolve("executor-work"));
        Files.createDirectories(work.resolve("libtorch"));
        run(List.of("tar", "-xf", archive.toString(), "-C", work.resolve("libtorch").toString()), tmp, null);

        // The executor: the job jar plus the cluster's jars, none of them DJL's natives.
        StringBuilder cp = new StringBuilder(jar.toString());
        try (Stream<Path> s = Files.list(lib)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith("pytorch-native-") && !n.startsWith("pytorch-jni-")) {
                    cp.append(':').append(p);
                }
            }
        }
        Path cache = Files.createDirectories(tmp.resolve("empty-djl-cache"));
        ProcessBuilder pb = new ProcessBuilder(java(), "-Dai.djl.offline=true", "-cp", cp.toString(),
                "org.smarttuner.cli.Main", "engine", "--json");
        pb.environment().put("PYTORCH_LIBRARY_PATH", "libtorch"); // relative: the executor's working folder
        pb.environment().put("DJL_CACHE_DIR", cache.toString());
        pb.environment().remove("PYTORCH_FLAVOR");
        pb.environment().remove("PYTORCH_VERSION");
        String out = run(pb, work);
        JsonNode json = new ObjectMapper().readTree(out.lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in: " + out)));
        assertEquals("archive", json.at("/libtorch/source").asText(), out);
        assertEquals(work.resolve("libtorch").toString(), json.at("/libtorch/path").asText(), out);
        assertTrue(json.at("/checks/0/ok").asBoolean(), out);
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(List.of(), s.toList(), "the executor wrote into its DJL cache (a download or extraction)");
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(List<String> cmd, Path dir, Void unused) throws Exception {
        return run(new ProcessBuilder(cmd), dir);
    }

    private static String run(ProcessBuilder pb, Path dir) throws Exception {
        Path log = Files.createTempFile(dir, "out", ".txt");
        Process p = pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + pb.command());
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), pb.command() + " failed:\n" + out);
        return out;
    }
}
