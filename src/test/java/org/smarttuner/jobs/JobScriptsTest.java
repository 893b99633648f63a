package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/tune.sh and the GPU discovery scripts, run for real with bash (no Spark started). */
class JobScriptsTest {
    static final Path PROJECT = Path.of(System.getProperty("smarttuner.project.dir", ".")).toAbsolutePath();
    static final Path TUNE = PROJECT.resolve("jobs/tune.sh");
    static final Path DISCOVERY = PROJECT.resolve("jobs/gpu-discovery.sh");
    static final Path FAKE = PROJECT.resolve("src/test/resources/spark/fake-gpu-discovery.sh");

    @TempDir
    Path dir;

    record Result(int rc, String out, String err) {
    }

    static Result run(Map<String, String> env, List<String> unset, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("script", ".out");
        Path err = Files.createTempFile("script", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("script hung: " + List.of(cmd));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static List<String> pomFlags() throws IOException {
        Matcher m = Pattern.compile("<spark.jvm.flags>([^<]*)</spark.jvm.flags>")
                .matcher(Files.readString(PROJECT.resolve("pom.xml")));
        assertTrue(m.find(), "pom.xml has spark.jvm.flags");
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }

    static List<String> scriptFlags(Path script) throws IOException {
        String s = Files.readString(script);
        int from = s.indexOf("spark_flags=(");
        int to = s.indexOf(')', from);
        return Arrays.stream(s.substring(from + "spark_flags=(".length(), to).trim().split("\\s+")).toList();
    }

    @Test
    void tuneScriptAndLauncherCarryThePomsSparkFlags() throws IOException {
        assertEquals(pomFlags(), scriptFlags(TUNE));
        assertEquals(pomFlags(), scriptFlags(PROJECT.resolve("src/bin/smart-tuner")));
        assertEquals(pomFlags(), org.smarttuner.spark.StandaloneCluster.sparkJvmFlags());
    }

    @Test
    void helpExplainsUsage() throws Exception {
        Result r = run(Map.of(), List.of(), TUNE.toString(), "--help");
        assertEquals(0, r.rc());
        assertTrue(r.out().contains("Usage: jobs/tune.sh --config FILE"), r.out());
    }

    @Test
    void badInvocationsFailWithAClearMessage() throws Exception {
        Path config = Files.writeString(dir.resolve("s.yaml"), "study: {name: x}\n");
        Path jar = Files.writeString(dir.resolve("job.jar"), "");
        assertBad(run(Map.of(), List.of(), TUNE.toString()), "missing --config FILE");
        assertBad(run(Map.of(), List.of(), TUNE.toString(), "--config", dir.resolve("nope.yaml").toString()),
                "config file '" + dir.resolve("nope.yaml") + "' does not exist");
        assertBad(run(Map.of(), List.of(), TUNE.toString(), "--config", config.toString(), "--jar",
                dir.resolve("no.jar").toString()), "job jar '" + dir.resolve("no.jar") + "' does not exist");
        assertBad(run(Map.of(), List.of(), TUNE.toString(), "--config", config.toString(), "--jar", jar.toString(),
                "--conf", "novalue"), "--conf 'novalue' must look like KEY=VALUE");
        assertBad(run(Map.of(), List.of(), TUNE.toString(), "--config", config.toString(), "--bogus"),
                "unknown argument '--bogus'");
        assertBad(run(Map.of("SPARK_HOME", dir.toString()), List.of(), TUNE.toString(), "--config",
                config.toString(), "--jar", jar.toString()), "has no bin/spark-submit");
    }

    /** A stand-in {@code $SPARK_HOME/bin/spark-submit} that prints the arguments it got, one a line, then runs {@code more}. */
    static Path standInSparkSubmit(Path home, String more) throws IOException {
        Path submit = home.resolve("bin/spark-submit");
        Files.createDirectories(submit.getParent());
        Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n" + more);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return submit;
    }

    static void assertBad(Result r, String message) {
        assertEquals(2, r.rc(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }

    @Test
    void runsSparkSubmitOfSparkHomeWithFlagsConfigAndOverrides() throws Exception {
        Path config = Files.writeString(dir.resolve("s.yaml"), "study: {name: x}\n");
        Path jar = Files.writeString(dir.resolve("job.jar"), "");
        Path home = dir.resolve("spark");
        Path submit = standInSparkSubmit(home, "");
        Result r = run(Map.of("SPARK_HOME", home.toString()), List.of(), TUNE.toString(), "--config",
                config.toString(), "--master", "spark://h:7077", "--jar", jar.toString(), "--conf",
                "spark.smarttuner.study.n_trials=3");
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("tune.sh: running: " + submit), r.err());
        List<String> args = r.out().lines().toList();
        String flags = String.join(" ", pomFlags()) + " -Dai.djl.offline=true";
        List<String> expected = new ArrayList<>(List.of("--class", "org.smarttuner.cli.Main", "--master",
                "spark://h:7077", "--deploy-mode", "client", "--conf", "spark.driver.extraJavaOptions=" + flags,
                "--conf", "spark.executor.extraJavaOptions=" + flags, "--conf", "spark.smarttuner.config=" + config,
                "--conf", "spark.smarttuner.study.n_trials=3", jar.toString(), "tune", "--config", config.toString()));
        assertEquals(expected, args);
    }

    /** --libtorch: the executors unpack the archive as libtorch/ and are told so; the driver gets it unpacked. */
    @Test
    void aLibtorchArchiveGoesToTheExecutorsAndIsUnpackedForTheDriver() throws Exception {
        Path config = Files.writeString(dir.resolve("s.yaml"), "study: {name: x}\n");
        Path jar = Files.writeString(dir.resolve("job.jar"), "");
        Path home = dir.resolve("spark");
        standInSparkSubmit(home, "echo \"driver=$PYTORCH_LIBRARY_PATH\"\n");
        Path content = Files.createDirectories(dir.resolve("content"));
        Files.writeString(content.resolve("libtorch.so"), "lib");
        Files.writeString(content.resolve("libdjl_torch.so"), "jni");
        Path archive = dir.resolve("libtorch.tgz");
        assertEquals(0, new ProcessBuilder("tar", "-czf", archive.toString(), "-C", content.toString(), ".")
                .start().waitFor());
        Result r = run(Map.of("SPARK_HOME", home.toString()), List.of(), TUNE.toString(), "--config",
                config.toString(), "--jar", jar.toString(), "--libtorch", archive.toString());
        assertEquals(0, r.rc(), r.err());
        List<String> args = r.out().lines().toList();
        int at = args.indexOf("--archives");
        assertTrue(at > 0, r.out());
        assertEquals(archive + "#libtorch", args.get(at + 1));
        assertEquals(List.of("--conf", "spark.executorEnv.PYTORCH_LIBRARY_PATH=libtorch"), args.subList(at + 2, at + 4));
        assertTrue(args.indexOf(jar.toString()) > at, "archive options come before the jar: " + args);
        assertEquals("driver=" + archive + ".unpacked", args.get(args.size() - 1));
        assertEquals("lib", Files.readString(dir.resolve("libtorch.tgz.unpacked/libtorch.so")));

        // a URL is the executors' business: passed as it is, nothing unpacked here
        Result url = run(Map.of("SPARK_HOME", home.toString()), List.of("PYTORCH_LIBRARY_PATH"), TUNE.toString(),
                "--config", config.toString(), "--jar", jar.toString(), "--libtorch", "s3a://bucket/lt.tgz");
        assertEquals(0, url.rc(), url.err());
        assertTrue(url.out().contains("--archives\ns3a://bucket/lt.tgz#libtorch\n"), url.out());
        assertTrue(url.out().endsWith("driver=\n"), url.out());

        assertBad(run(Map.of("SPARK_HOME", home.toString()), List.of(), TUNE.toString(), "--config",
                config.toString(), "--jar", jar.toString(), "--libtorch", dir.resolve("lt.zip").toString()),
                "must end in .tgz, .tar.gz or .tar");
        assertBad(run(Map.of("SPARK_HOME", home.toString()), List.of(), TUNE.toString(), "--config",
                config.toString(), "--jar", jar.toString(), "--libtorch"), "--libtorch needs an archive");
    }

    @Test
    void withoutSparkHomeRunsSparkSubmitFromTheRunnableLayout() throws Exception {
        Path config = Files.writeString(dir.resolve("s.yaml"), "study: {name: x}\n");
        Path jar = Files.writeString(dir.resolve("job.jar"), "");
        Result r = run(Map.of(), List.of("SPARK_HOME"), TUNE.toString(), "--config", config.toString(), "--jar",
                jar.toString(), "--dry-run");
        if (!Files.isDirectory(PROJECT.resolve("target/smart-tuner/lib"))) {
            assertBad(r, "no SPARK_HOME and no runnable layout");
            return;
        }
        assertEquals(0, r.rc(), r.err());
        assertTrue(r.err().contains("-Dai.djl.offline=true -cp " + PROJECT.resolve("target/smart-tuner/lib")
                + "/\\* org.apache.spark.deploy.SparkSubmit --class org.smarttuner.cli.Main"), r.err());
    }

    @Test
    void gpuDiscoveryReadsNvidiaSmi() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Result none = run(Map.of("PATH", bin + ":/usr/bin:/bin"), List.of(), "/bin/bash", DISCOVERY.toString());
        assertEquals(1, none.rc());
        assertTrue(none.err().contains("nvidia-smi is not on PATH"), none.err());
        assertEquals("", none.out());

        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/bash\n[[ \"$*\" == '--query-gpu=index --format=csv,noheader' ]] || exit 9\n"
                + "printf '0\\n1\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result two = run(Map.of("PATH", bin + ":/usr/bin:/bin"), List.of(), "/bin/bash", DISCOVERY.toString());
        assertEquals(0, two.rc(), two.err());
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n", two.out());

        Files.writeString(smi, "#!/bin/bash\necho 'NVIDIA-SMI has failed' >&2; exit 9\n");
        Result broken = run(Map.of("PATH", bin + ":/usr/bin:/bin"), List.of(), "/bin/bash", DISCOVERY.toString());
        assertEquals(1, broken.rc());
        assertTrue(broken.err().contains("nvidia-smi failed: NVIDIA-SMI has failed"), broken.err());
    }

    @Test
    void fakeDiscoveryPrintsTheGivenAddresses() throws Exception {
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"1\"]}\n",
                run(Map.of("FAKE_GPU_ADDRESSES", "1"), List.of(), FAKE.toString()).out());
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}\n",
                run(Map.of(), List.of("FAKE_GPU_ADDRESSES"), FAKE.toString(), "0", "1").out());
        Result none = run(Map.of(), List.of("FAKE_GPU_ADDRESSES"), FAKE.toString());
        assertEquals(1, none.rc());
        assertTrue(none.err().contains("no addresses"), none.err());
    }
}
