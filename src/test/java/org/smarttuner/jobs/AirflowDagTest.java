package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/**
 * jobs/airflow/smart_tuner_dag.py, imported by Python from the project's venv: with the real Airflow
 * when the venv has it, else with the test double in src/test/python/airflow_test_double (Airflow is
 * not on this project's package mirror). The spark-submit command its task runs must be the one
 * {@code jobs/tune.sh --dry-run} prints for the same inputs.
 */
class AirflowDagTest {
    static final Path DAG = JobScriptsTest.PROJECT.resolve("jobs/airflow/smart_tuner_dag.py");
    static final List<String> CLEAN = List.of("AIRFLOW_VAR_SMART_TUNER", "SPARK_HOME", "PYTHONPATH");

    @TempDir
    Path dir;
    Path config;
    Path jar;
    Path sparkHome;

    @BeforeEach
    void inputs() throws Exception {
        config = Files.writeString(dir.resolve("study.yaml"), "study: {name: x}\n");
        jar = Files.writeString(dir.resolve("job.jar"), "");
        sparkHome = dir.resolve("spark");
        Path submit = Files.createDirectories(sparkHome.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nexit 0\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** What the DAG's task declares and runs, as printed by src/test/python/airflow_dag_argv.py. */
    static JsonNode dag(Map<String, String> env) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("PYTHONDONTWRITEBYTECODE", "1");
        JobScriptsTest.Result r = JobScriptsTest.run(all, CLEAN, PythonEnv.python().toString(),
                PythonEnv.script("airflow_dag_argv.py").toString(), DAG.toString());
        assertEquals(0, r.rc(), "the DAG did not import:\n" + r.err());
        JsonNode out = new ObjectMapper().readTree(r.out());
        System.out.println("AirflowDagTest: DAG imported with " + out.get("airflow").asText() + " Airflow");
        return out;
    }

    static JobScriptsTest.Result dagFails(String variable) throws Exception {
        JobScriptsTest.Result r = JobScriptsTest.run(Map.of("AIRFLOW_VAR_SMART_TUNER", variable,
                "PYTHONDONTWRITEBYTECODE", "1"), List.of("SPARK_HOME", "PYTHONPATH"), PythonEnv.python().toString(),
                PythonEnv.script("airflow_dag_argv.py").toString(), DAG.toString());
        assertNotEquals(0, r.rc(), "the DAG imported with a bad Variable: " + variable);
        return r;
    }

    /** The argv tune.sh would run: its --dry-run line, split back into words by bash itself. */
    List<String> tuneShDryRun(String... args) throws Exception {
        // --dry-run first: everything after "--" goes to spark-submit.
        List<String> cmd = new ArrayList<>(List.of(JobScriptsTest.TUNE.toString(), "--dry-run"));
        cmd.addAll(List.of(args));
        JobScriptsTest.Result r = JobScriptsTest.run(Map.of("SPARK_HOME", sparkHome.toString()), List.of(),
                cmd.toArray(String[]::new));
        assertEquals(0, r.rc(), r.err());
        String prefix = "tune.sh: running: ";
        String line = r.err().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no command in: " + r.err())).substring(prefix.length());
        JobScriptsTest.Result words = JobScriptsTest.run(Map.of(), List.of(), "/bin/bash", "-c",
                "eval \"words=($1)\"; printf '%s\\n' \"${words[@]}\"", "_", line);
        assertEquals(0, words.rc(), words.err());
        return words.out().lines().toList();
    }

    /** A spark-submit command line taken apart; any option not listed here fails the test. */
    record Submit(String binary, String master, String deployMode, String mainClass, Optional<String> name,
                  Optional<String> propertiesFile, List<String> conf, String application, List<String> appArgs) {
        static Submit parse(List<String> argv) {
            Map<String, String> single = new LinkedHashMap<>();
            List<String> conf = new ArrayList<>();
            int i = 1;
            while (i < argv.size() && argv.get(i).startsWith("--")) {
                String opt = argv.get(i);
                String value = argv.get(i + 1);
                switch (opt) {
                    case "--conf" -> conf.add(value);
                    case "--master", "--deploy-mode", "--class", "--name", "--properties-file" -> {
                        if (single.put(opt, value) != null) {
                            fail(opt + " given twice in " + argv);
                        }
                    }
                    default -> fail("unexpected spark-submit option " + opt + " in " + argv);
                }
                i += 2;
            }
            return new Submit(Path.of(argv.get(0)).getFileName().toString(), single.get("--master"),
                    single.get("--deploy-mode"), single.get("--class"), Optional.ofNullable(single.get("--name")),
                    Optional.ofNullable(single.get("--properties-file")), conf, argv.get(i),
                    argv.subList(i + 1, argv.size()));
        }

        Submit withoutName() {
            return new Submit(binary, master, deployMode, mainClass, Optional.empty(), propertiesFile, conf,
                    application, appArgs);
        }
    }

    static List<String> argv(JsonNode dag) {
        List<String> argv = new ArrayList<>();
        dag.get("argv").forEach(a -> argv.add(a.asText()));
        return argv;
    }

    @Test
    void dagRunsWhatTuneShRunsOnAStandaloneMaster() throws Exception {
        String variable = "{\"config\": \"" + config + "\", \"study\": \"nightly\", \"job_jar\": \"" + jar
                + "\", \"spark_conn_id\": \"spark_gpu\", \"conf\": {\"spark.executor.memory\": \"24g\", "
                + "\"spark.executor.cores\": 2}}";
        JsonNode dag = dag(Map.of("AIRFLOW_VAR_SMART_TUNER", variable, "AIRFLOW_CONN_SPARK_GPU", "spark://h:7077"));
        Submit airflow = Submit.parse(argv(dag));
        Submit tune = Submit.parse(tuneShDryRun("--config", config.toString(), "--master", "spark://h:7077", "--jar",
                jar.toString(), "--conf", "spark.smarttuner.study.name=nightly", "--conf", "spark.executor.memory=24g",
                "--conf", "spark.executor.cores=2"));
        assertEquals(tune, airflow.withoutName());
        assertEquals(Optional.of("smart-tuner-nightly"), airflow.name(), "only the DAG names the application");
        assertEquals("spark-submit", airflow.binary());
        assertEquals("spark://h:7077", airflow.master());
        assertEquals("client", airflow.deployMode());
        assertEquals("org.smarttuner.cli.Main", airflow.mainClass());
        assertEquals(List.of("tune", "--config", config.toString()), airflow.appArgs());
        String flags = String.join(" ", JobScriptsTest.pomFlags()) + " -Dai.djl.offline=true";
        assertEquals(List.of("spark.driver.extraJavaOptions=" + flags, "spark.executor.extraJavaOptions=" + flags,
                "spark.smarttuner.config=" + config, "spark.smarttuner.study.name=nightly",
                "spark.executor.memory=24g", "spark.executor.cores=2"), airflow.conf());
    }

    @Test
    void dagRunsWhatTuneShRunsOnYarnWithAPropertiesFile() throws Exception {
        Path props = JobScriptsTest.PROJECT.resolve("conf/spark/yarn.properties");
        String variable = "{\"config\": \"" + config + "\", \"job_jar\": \"" + jar + "\", \"properties_file\": \""
                + props + "\"}";
        // Airflow's own default connection id, written the way Airflow's docs write a YARN master.
        JsonNode dag = dag(Map.of("AIRFLOW_VAR_SMART_TUNER", variable, "AIRFLOW_CONN_SPARK_DEFAULT", "spark://yarn"));
        Submit airflow = Submit.parse(argv(dag));
        Submit tune = Submit.parse(tuneShDryRun("--config", config.toString(), "--master", "yarn", "--jar",
                jar.toString(), "--", "--properties-file", props.toString()));
        assertEquals(tune, airflow.withoutName());
        assertEquals("yarn", airflow.master());
        assertEquals(Optional.of(props.toString()), airflow.propertiesFile());
        assertEquals(Optional.of("smart-tuner"), airflow.name());
    }

    @Test
    void dagRunsNightlyOneRunAtATimeAndResumesByRetryOrClear() throws Exception {
        JsonNode dag = dag(Map.of("AIRFLOW_CONN_SPARK_DEFAULT", "spark://m:7077"));
        assertEquals("smart_tuner", dag.get("dag_id").asText());
        assertEquals("0 1 * * *", dag.get("schedule").asText());
        assertEquals(false, dag.get("catchup").asBoolean());
        assertEquals(1, dag.get("max_active_runs").asInt());
        assertEquals(1, dag.get("max_active_tis_per_dag").asInt());
        assertEquals(2, dag.get("retries").asInt());
        assertEquals(900.0, dag.get("retry_delay_s").asDouble());
        String doc = dag.get("doc_md").asText();
        assertTrue(doc.contains("**Clear** on a failed `tune` task") && doc.contains("*is* the\nresume"), doc);
        Submit s = Submit.parse(argv(dag));
        assertEquals(List.of("tune", "--config", "/opt/smart-tuner/conf/gpu-cluster.yaml"), s.appArgs(),
                "documented default config");
        assertEquals("/opt/smart-tuner/smart-tuner-job.jar", s.application(), "documented default jar");

        JsonNode custom = dag(Map.of("AIRFLOW_VAR_SMART_TUNER",
                "{\"schedule\": \"@weekly\", \"retries\": 0, \"retry_delay_minutes\": 1}"));
        assertEquals("@weekly", custom.get("schedule").asText());
        assertEquals(0, custom.get("retries").asInt());
        assertEquals(60.0, custom.get("retry_delay_s").asDouble());
    }

    @Test
    void aBadVariableFailsTheDagImportWithTheKeyAndWhatIsAllowed() throws Exception {
        assertTrue(dagFails("{\"study_name\": \"x\"}").err().contains(
                "Airflow Variable 'smart_tuner': unknown key(s) study_name (allowed: config, study, spark_conn_id,"));
        assertTrue(dagFails("{\"config\": \"conf/gpu-cluster.yaml\"}").err().contains(
                "'config' must be an absolute path, got 'conf/gpu-cluster.yaml'"));
        assertTrue(dagFails("{\"conf\": {\"spark.executor.extraJavaOptions\": \"-Xss4m\"}}").err().contains(
                "conf 'spark.executor.extraJavaOptions' is set by the DAG (Spark's JVM flags, as in jobs/tune.sh)"));
        assertTrue(dagFails("{\"conf\": {\"spark.smarttuner.config\": \"/x.yaml\"}}").err().contains(
                "conf 'spark.smarttuner.config' comes from 'config'"));
        assertTrue(dagFails("{\"retries\": -1}").err().contains("'retries' must be a whole number >= 0"));
        assertTrue(dagFails("[1, 2]").err().contains("must be a JSON object, got list"));
    }
}
