package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/databricks/libtorch-init.sh, run for real on archives made with tar, and the job JSON that uses it. */
class LibTorchInitScriptTest {
    static final Path SCRIPT = JobScriptsTest.PROJECT.resolve("jobs/databricks/libtorch-init.sh");

    @TempDir
    Path dir;

    private Path archive(String name, Map<String, String> files) throws Exception {
        Path content = Files.createDirectories(dir.resolve(name + ".content"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(content.resolve(f.getKey()), f.getValue());
        }
        Path out = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("tar", "-czf", out.toString(), "-C", content.toString(), ".").start()
                .waitFor());
        return out;
    }

    private JobScriptsTest.Result init(Map<String, String> env) throws Exception {
        return JobScriptsTest.run(env, List.of("SMART_TUNER_LIBTORCH_ARCHIVE", "PYTORCH_LIBRARY_PATH"), "/bin/bash",
                SCRIPT.toString());
    }

    @Test
    void unpacksTheArchiveOnceAndKeepsAGoodCopyWhenANewOneIsBad() throws Exception {
        Path good = archive("libtorch.tgz", Map.of("libtorch.so", "v1", "libdjl_torch.so", "jni",
                "smarttuner-libtorch.properties", "version=2.5.1\nflavor=cu124\ndjl_version=0.33.0\n"));
        Path dest = dir.resolve("local_disk0/smart-tuner/libtorch");
        Map<String, String> env = Map.of("SMART_TUNER_LIBTORCH_ARCHIVE", good.toString(), "PYTORCH_LIBRARY_PATH",
                dest.toString());
        JobScriptsTest.Result r = init(env);
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.out().contains("unpacked " + good + " to " + dest + " (version=2.5.1 flavor=cu124 djl_version=0.33.0)"),
                r.out());
        assertEquals("v1", Files.readString(dest.resolve("libtorch.so")));

        JobScriptsTest.Result again = init(env);
        assertEquals(0, again.rc(), again.err());
        assertTrue(again.out().contains("already holds it"), again.out());

        Path bad = archive("other.tgz", Map.of("readme.txt", "not libtorch"));
        JobScriptsTest.Result refused = init(Map.of("SMART_TUNER_LIBTORCH_ARCHIVE", bad.toString(),
                "PYTORCH_LIBRARY_PATH", dest.toString()));
        assertEquals(1, refused.rc());
        assertTrue(refused.err().contains("not a Smart Tuner libtorch archive"), refused.err());
        assertEquals("v1", Files.readString(dest.resolve("libtorch.so")), "the good copy stays");
        assertEquals(List.of("libtorch"), Files.list(dest.getParent()).map(p -> p.getFileName().toString()).toList(),
                "no half-unpacked folder left behind");
    }

    @Test
    void missingSettingsAreClearErrors() throws Exception {
        JobScriptsTest.Result none = init(Map.of());
        assertEquals(1, none.rc());
        assertTrue(none.err().contains("SMART_TUNER_LIBTORCH_ARCHIVE is not set"), none.err());
        JobScriptsTest.Result missing = init(Map.of("SMART_TUNER_LIBTORCH_ARCHIVE", dir.resolve("nope.tgz").toString()));
        assertEquals(1, missing.rc());
        assertTrue(missing.err().contains("the libtorch archive " + dir.resolve("nope.tgz") + " does not exist"),
                missing.err());
        Path good = archive("lt.tgz", Map.of("libtorch.so", "x", "smarttuner-libtorch.properties", "version=1\n"));
        JobScriptsTest.Result relative = init(Map.of("SMART_TUNER_LIBTORCH_ARCHIVE", good.toString(),
                "PYTORCH_LIBRARY_PATH", "libtorch"));
        assertEquals(1, relative.rc());
        assertTrue(relative.err().contains("must be an absolute folder"), relative.err());
    }

    @Test
    void theDatabricksJobRunsTheScriptAndPointsItsJvmsAtTheFolder() throws Exception {
        JsonNode cluster = new ObjectMapper().readTree(JobScriptsTest.PROJECT.resolve("conf/databricks-job.json")
                .toFile()).at("/job_clusters/0/new_cluster");
        JsonNode env = cluster.get("spark_env_vars");
        assertTrue(env.get("PYTORCH_LIBRARY_PATH").asText().startsWith("/local_disk0/"), env.toString());
        assertTrue(env.get("SMART_TUNER_LIBTORCH_ARCHIVE").asText().endsWith(".tgz"), env.toString());
        assertTrue(Files.readString(SCRIPT).contains("dest=\"${PYTORCH_LIBRARY_PATH:-"
                + env.get("PYTORCH_LIBRARY_PATH").asText() + "}\""), "the script's default is the job's folder");
        assertTrue(cluster.at("/init_scripts/0/volumes/destination").asText().endsWith("/libtorch-init.sh"),
                cluster.toString());
    }
}
