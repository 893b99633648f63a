package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.internal.config.ConfigEntry$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;

/** conf/spark/yarn.properties, conf/spark/kubernetes.properties and conf/databricks-job.json. */
class ClusterSettingsTest {
    static final Path PROJECT = JobScriptsTest.PROJECT;

    /**
     * Keys of the YARN and Kubernetes modules, which are not on this classpath; names as in Spark 4.0's
     * running-on-yarn.html and running-on-kubernetes.html.
     */
    static final Set<String> CLUSTER_MANAGER_KEYS = Set.of("spark.kubernetes.container.image",
            "spark.kubernetes.namespace", "spark.kubernetes.executor.request.cores",
            "spark.kubernetes.executor.podTemplateFile", "spark.yarn.executor.nodeLabelExpression");

    /** Spark's documented key families: spark.{driver,executor}.resource.{name}.{amount,discoveryScript,vendor}, spark.executorEnv.[Name]. */
    static final Pattern KEY_FAMILIES = Pattern.compile(
            "spark\\.(driver|executor)\\.resource\\.[a-z]+\\.(amount|discoveryScript|vendor)|spark\\.executorEnv\\.[A-Z_]+");

    static boolean sparkKnows(String key) {
        try {
            // Core entries register themselves when Spark's config package object initialises.
            Class.forName("org.apache.spark.internal.config.package$");
        } catch (ClassNotFoundException e) {
            throw new AssertionError("spark-core is not on the test classpath", e);
        }
        return KEY_FAMILIES.matcher(key).matches() || CLUSTER_MANAGER_KEYS.contains(key)
                || ConfigEntry$.MODULE$.findEntry(key) != null;
    }

    static Map<String, String> properties(String name) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(PROJECT.resolve("conf/spark").resolve(name))) {
            p.load(r);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).strip()));
        return m;
    }

    @Test
    void theKeyCheckKnowsSparksKeysAndRefusesMadeUpOnes() {
        assertTrue(sparkKnows("spark.executor.memoryOverhead"));
        assertTrue(sparkKnows("spark.dynamicAllocation.enabled"));
        assertFalse(sparkKnows("spark.executor.memoryOverheads"));
        assertFalse(sparkKnows("spark.task.resource.gpu.count"));
        assertFalse(sparkKnows("spark.kubernetes.executor.gpus"));
    }

    static void oneTrainingPerExecutorWithItsOwnGpu(String file, Map<String, String> p) {
        p.keySet().forEach(k -> assertTrue(sparkKnows(k), file + ": " + k + " is not a Spark property"));
        for (String k : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
            assertFalse(p.containsKey(k), file + ": " + k + " is passed by jobs/tune.sh and the DAG, which win");
        }
        assertFalse(p.containsKey("spark.task.resource.gpu.amount"),
                file + ": segments ask for their GPU through a task resource profile");
        assertEquals("1", p.get("spark.executor.resource.gpu.amount"), file);
        assertTrue(p.get("spark.executor.resource.gpu.discoveryScript").endsWith("/jobs/gpu-discovery.sh"), file);
        assertEquals("2", p.get("spark.executor.cores"), file);
        assertEquals("1", p.get("spark.task.cpus"), file);
        assertEquals("false", p.get("spark.dynamicAllocation.enabled"), file);
        assertTrue(p.get("spark.executor.memoryOverhead").matches("\\d+g"), file + ": native memory for libtorch");
    }

    @Test
    void yarnProperties() throws Exception {
        Map<String, String> p = properties("yarn.properties");
        oneTrainingPerExecutorWithItsOwnGpu("yarn.properties", p);
        assertFalse(p.keySet().stream().anyMatch(k -> k.startsWith("spark.kubernetes.")));
    }

    @Test
    void kubernetesProperties() throws Exception {
        Map<String, String> p = properties("kubernetes.properties");
        oneTrainingPerExecutorWithItsOwnGpu("kubernetes.properties", p);
        assertEquals("nvidia.com", p.get("spark.executor.resource.gpu.vendor"));
        assertEquals(p.get("spark.executor.cores"), p.get("spark.kubernetes.executor.request.cores"));
    }

    @Test
    void tuneShPassesEitherFileToSparkSubmit(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("s.yaml"), "study: {name: x}\n");
        Path jar = Files.writeString(dir.resolve("job.jar"), "");
        JobScriptsTest.standInSparkSubmit(dir.resolve("spark"), "");
        for (String f : List.of("yarn.properties", "kubernetes.properties")) {
            String props = PROJECT.resolve("conf/spark").resolve(f).toString();
            JobScriptsTest.Result r = JobScriptsTest.run(Map.of("SPARK_HOME", dir.resolve("spark").toString()),
                    List.of(), JobScriptsTest.TUNE.toString(), "--config", config.toString(), "--master",
                    f.startsWith("yarn") ? "yarn" : "k8s://https://api:443", "--jar", jar.toString(), "--",
                    "--properties-file", props);
            assertEquals(0, r.rc(), r.err());
            List<String> args = r.out().lines().toList();
            int at = args.indexOf("--properties-file");
            assertEquals(props, args.get(at + 1));
            assertEquals(jar.toString(), args.get(at + 2), "the file goes before the jar");
        }
    }

    @Test
    void databricksJobRunsTuneAsAJarTaskOnSingleGpuWorkers(@TempDir Path dir) throws Exception {
        JsonNode job = new ObjectMapper().readTree(PROJECT.resolve("conf/databricks-job.json").toFile());
        assertEquals(1, job.get("max_concurrent_runs").asInt(), "two runs must never write one study");
        assertEquals(1, job.get("tasks").size());
        JsonNode task = job.get("tasks").get(0);
        JsonNode jarTask = task.get("spark_jar_task");
        assertEquals("org.smarttuner.cli.Main", jarTask.get("main_class_name").asText());
        assertEquals(3, jarTask.get("parameters").size());
        assertEquals("tune", jarTask.get("parameters").get(0).asText());
        assertEquals("--config", jarTask.get("parameters").get(1).asText());
        String yaml = jarTask.get("parameters").get(2).asText();
        assertTrue(task.get("libraries").get(0).get("jar").asText().endsWith(".jar"));
        assertTrue(task.get("max_retries").asInt() >= 1, "a retry is the resume");

        JsonNode cluster = null;
        for (JsonNode c : job.get("job_clusters")) {
            if (c.get("job_cluster_key").asText().equals(task.get("job_cluster_key").asText())) {
                cluster = c.get("new_cluster");
            }
        }
        assertTrue(cluster != null, "the task's job cluster is defined");
        String runtime = cluster.get("spark_version").asText();
        assertTrue(runtime.matches("1[7-9]\\.\\d+\\.x-gpu-ml-scala2\\.13"),
                "a GPU ML runtime with Spark 4.0 (17.x) and Scala 2.13: " + runtime);
        assertFalse(cluster.has("autoscale"), "a fixed number of workers");
        assertTrue(cluster.get("num_workers").asInt() >= 1);

        Map<String, String> conf = new LinkedHashMap<>();
        cluster.get("spark_conf").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        assertFalse(conf.containsKey("spark.task.resource.gpu.amount"),
                "Databricks' default of one GPU per task keeps one training per single-GPU worker");
        String flags = String.join(" ", JobScriptsTest.pomFlags()) + " -Dai.djl.offline=true";
        assertEquals(flags, conf.get("spark.driver.extraJavaOptions"));
        assertEquals(flags, conf.get("spark.executor.extraJavaOptions"));
        assertEquals(yaml, conf.get("spark.smarttuner.config"));
        conf.keySet().stream().filter(k -> !k.startsWith("spark.smarttuner."))
                .forEach(k -> assertTrue(sparkKnows(k), k + " is not a Spark property"));

        // The spark.smarttuner.* settings are real config keys: the shipped GPU study accepts them.
        Files.writeString(dir.resolve("metadata.csv"), "LJ001-0001|Hi.|Hi.\n");
        Map<String, String> env = Map.of("LJSPEECH_DIR", dir.toString());
        TunerConfig c = new ConfigLoader(env::get, dir).load(PROJECT.resolve("conf/gpu-cluster.yaml"), List.of(), conf);
        assertEquals("/local_disk0/smart-tuner/study.db", c.output().sqlitePath(),
                "SQLite on the driver's local disk, not on DBFS");
    }
}
