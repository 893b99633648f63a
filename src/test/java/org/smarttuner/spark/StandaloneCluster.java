package org.smarttuner.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for tests: a Master and one Worker per entry of {@code
 * gpus}, each a JVM of its own, started from the runnable layout's jars (Spark has no binary
 * distribution here, see PLATFORM.md). Each worker offers its own GPU addresses through the
 * fake discovery script, so a test can tell on which worker a task ran. Jobs are submitted
 * with {@code jobs/tune.sh} in client mode. Everything lives under {@code target/cluster-tests/}
 * so the logs stay for a failed test; {@link #close()} kills every JVM it started, executors
 * included.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Path PROJECT = Path.of(System.getProperty("smarttuner.project.dir", "."))
            .toAbsolutePath().normalize();
    private static final Path LAYOUT = PROJECT.resolve("target/smart-tuner");
    private static final Path FAKE_DISCOVERY = PROJECT.resolve("src/test/resources/spark/fake-gpu-discovery.sh");
    private static final Duration REGISTRATION_LIMIT = Duration.ofMinutes(5);

    private final Path root;
    private final Path sparkHome;
    private final Path logs;
    private final int masterPort;
    private final int masterWebUi;
    private final List<String> gpus;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Path> workerDirs = new LinkedHashMap<>();

    /** A submitted driver: its process and the files its stdout and stderr go to. */
    public record Driver(Process process, Path stdout, Path stderr) {
        public String out() {
            return read(stdout);
        }

        public String err() {
            return read(stderr);
        }
    }

    private StandaloneCluster(Path root, List<String> gpus) {
        this.root = root;
        this.sparkHome = root.resolve("spark-home");
        this.logs = root.resolve("logs");
        this.gpus = List.copyOf(gpus);
        this.masterPort = freePort();
        this.masterWebUi = freePort();
    }

    /**
     * Starts a master and {@code gpus.size()} workers; worker i offers GPU addresses {@code
     * gpus.get(i)} (comma-separated). Returns once every worker registered with the master.
     */
    public static StandaloneCluster start(String name, List<String> gpus, int workerCores, String workerMemory)
            throws IOException, InterruptedException {
        return start(name, gpus, workerCores, workerMemory, true);
    }

    /**
     * As {@link #start(String, List, int, String)}; with {@code torchNatives} false the cluster's jars
     * leave out libtorch and DJL's JNI (pytorch-native-*, pytorch-jni), as on a cluster whose
     * executors get libtorch only from the archive a job passes.
     */
    public static StandaloneCluster start(String name, List<String> gpus, int workerCores, String workerMemory,
            boolean torchNatives) throws IOException, InterruptedException {
        if (!Files.isDirectory(LAYOUT.resolve("lib"))) {
            throw new IllegalStateException("no runnable layout at " + LAYOUT
                    + ": run mvn -B -o package -DskipTests (or mvn verify) first");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        Path root = PROJECT.resolve("target/cluster-tests").resolve(name + "-" + stamp);
        StandaloneCluster c = new StandaloneCluster(root, gpus);
        try {
            c.buildSparkHome(torchNatives);
            c.startMaster();
            for (int i = 0; i < gpus.size(); i++) {
                c.startWorker("worker" + (char) ('A' + i), gpus.get(i), workerCores, workerMemory);
            }
            c.awaitWorkers(gpus.size());
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void buildSparkHome(boolean torchNatives) throws IOException {
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("conf"));
        Files.createDirectories(logs);
        try (Stream<Path> s = Files.list(LAYOUT.resolve("lib"))) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                String n = jar.getFileName().toString();
                if (!torchNatives && (n.startsWith("pytorch-native-") || n.startsWith("pytorch-jni-"))) {
                    continue;
                }
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        // Spark's launcher puts conf/ on the classpath; the JVMs here do the same.
        Files.writeString(sparkHome.resolve("conf/log4j2.properties"), """
                rootLogger.level = info
                rootLogger.appenderRef.stdout.ref = console
                appender.console.type = Console
                appender.console.name = console
                appender.console.target = SYSTEM_ERR
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
                logger.jetty.name = org.sparkproject.jetty
                logger.jetty.level = warn
                """);
    }

    private List<String> javaCommand(String mainClass, List<String> sysProps) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(sparkJvmFlags());
        cmd.add("-Xmx512m");
        cmd.addAll(sysProps);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + "/*:" + sparkHome.resolve("conf"));
        cmd.add(mainClass);
        return cmd;
    }

    private void startMaster() throws IOException {
        List<String> cmd = javaCommand("org.apache.spark.deploy.master.Master", List.of());
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port",
                String.valueOf(masterWebUi)));
        launch("master", cmd, Map.of());
    }

    private void startWorker(String name, String gpuAddresses, int cores, String memory) throws IOException {
        Path workDir = Files.createDirectories(root.resolve(name));
        workerDirs.put(name, workDir);
        List<String> cmd = javaCommand("org.apache.spark.deploy.worker.Worker", List.of(
                "-Dspark.worker.resource.gpu.amount=" + gpuAddresses.split(",").length,
                "-Dspark.worker.resource.gpu.discoveryScript=" + FAKE_DISCOVERY));
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(freePort()), "--webui-port",
                String.valueOf(freePort()), "--cores", String.valueOf(cores), "--memory", memory, "--work-dir",
                workDir.toString(), masterUrl()));
        launch(name, cmd, Map.of("FAKE_GPU_ADDRESSES", gpuAddresses));
    }

    private Process launch(String name, List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".log").toFile());
        environment(pb.environment());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("SPARK_MASTER");
    }

    private void awaitWorkers(int n) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        long deadline = System.nanoTime() + REGISTRATION_LIMIT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster JVM exited with " + p.exitValue() + " during start; "
                            + "see the logs in " + logs);
                }
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + masterWebUi + "/json/")).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = new ObjectMapper().readTree(r.body());
                long alive = 0;
                for (JsonNode w : json.path("workers")) {
                    if ("ALIVE".equals(w.path("state").asText())) {
                        alive++;
                    }
                }
                last = alive + " of " + n + " workers alive (HTTP " + r.statusCode() + ")";
                if (alive >= n) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("workers did not register within " + REGISTRATION_LIMIT + " (" + last
                + "); see the logs in " + logs);
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    public Path root() {
        return root;
    }

    public Path logs() {
        return logs;
    }

    /** The GPU addresses worker i offers ("0", "1", ...). */
    public List<String> gpus() {
        return gpus;
    }

    /**
     * Submits the tune job with {@code jobs/tune.sh} (runnable layout, client mode): the driver
     * is a JVM of its own, every executor gets one core and one GPU, a task takes both. {@code
     * extraConf} adds or replaces settings; an empty value drops one.
     */
    public Driver submit(String name, Path config, Map<String, String> extraConf) throws IOException {
        return submit(name, config, extraConf, List.of());
    }

    /** As {@link #submit(String, Path, Map)}, with more arguments for {@code jobs/tune.sh} (e.g. --libtorch). */
    public Driver submit(String name, Path config, Map<String, String> extraConf, List<String> scriptArgs)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PROJECT.resolve("jobs/tune.sh").toString(), "--config",
                config.toString(), "--master", masterUrl()));
        cmd.addAll(scriptArgs);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.executor.cores", "1");
        conf.put("spark.task.cpus", "1");
        conf.put("spark.executor.memory", "1g");
        conf.put("spark.executor.resource.gpu.amount", "1");
        conf.put("spark.task.resource.gpu.amount", "1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.putAll(extraConf);
        // An empty value drops a default of this fixture.
        conf.forEach((k, v) -> {
            if (!v.isEmpty()) {
                cmd.addAll(List.of("--conf", k + "=" + v));
            }
        });
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile())
                .redirectOutput(logs.resolve(name + ".out").toFile())
                .redirectError(logs.resolve(name + ".log").toFile());
        environment(pb.environment());
        // The driver runs from the runnable layout: no bin/spark-submit in this SPARK_HOME.
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("JAVA_OPTS", "-Xmx1g");
        Process p = pb.start();
        processes.add(p);
        return new Driver(p, logs.resolve(name + ".out"), logs.resolve(name + ".log"));
    }

    /** The worker (by name) whose work dir holds the executor's directory, if any. */
    public Optional<String> workerOf(String executorId) {
        for (Map.Entry<String, Path> w : workerDirs.entrySet()) {
            try (Stream<Path> apps = Files.list(w.getValue())) {
                if (apps.anyMatch(app -> Files.isDirectory(app.resolve(executorId)))) {
                    return Optional.of(w.getKey());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** The stderr (Spark's log) of an executor, wherever its worker put it. */
    public Optional<Path> executorLog(String executorId) {
        for (Path w : workerDirs.values()) {
            try (Stream<Path> apps = Files.list(w)) {
                Optional<Path> log = apps.map(app -> app.resolve(executorId).resolve("stderr"))
                        .filter(Files::exists).reduce((a, b) -> b);
                if (log.isPresent()) {
                    return log;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** Worker names in start order (worker i offers {@code gpus().get(i)}). */
    public List<String> workers() {
        return List.copyOf(workerDirs.keySet());
    }

    /** Executor JVMs (CoarseGrainedExecutorBackend) started by this cluster's workers, by executor id. */
    public Map<String, ProcessHandle> executors() {
        Map<String, ProcessHandle> out = new LinkedHashMap<>();
        for (Process p : processes) {
            p.descendants().forEach(h -> {
                String[] args = h.info().arguments().orElse(new String[0]);
                List<String> a = Arrays.asList(args);
                int i = a.indexOf("--executor-id");
                if (h.isAlive() && a.stream().anyMatch(s -> s.endsWith("CoarseGrainedExecutorBackend"))
                        && i >= 0 && i + 1 < a.size()) {
                    out.put(a.get(i + 1), h);
                }
            });
        }
        return out;
    }

    /** Kills every JVM of the cluster (executors first), even when a test failed. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // Best effort: a JVM that does not die in 30 s after SIGKILL is the kernel's business.
            }
        }
        // Each executor dir holds a copy of the job jar (hundreds of MB); the logs stay.
        for (Path w : workerDirs.values()) {
            try (Stream<Path> files = Files.walk(w)) {
                files.filter(f -> f.toString().endsWith(".jar")).forEach(f -> f.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // Leftover jars under target/ only cost disk space.
            }
        }
    }

    public static List<String> sparkJvmFlags() {
        // The same list as pom.xml's spark.jvm.flags (what Spark 4 needs on Java 17).
        return List.of("-XX:+IgnoreUnrecognizedVMOptions",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
                "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
                "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
                "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                "-Djdk.reflect.useDirectMethodHandle=false",
                "-Dio.netty.tryReflectionSetAccessible=true");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
