package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;

/** Every SQL statement of the Databricks and Zeppelin notebooks runs against the Delta tables of a real study. */
class NotebooksTest {
    @TempDir
    static Path dir;
    static TunerConfig config;

    @BeforeAll
    static void runAStudy() {
        String yaml = """
                study: {name: nb, n_trials: 5, sampler: {type: random, seed: 2}, pruner: {type: asha}}
                search_space:
                  learning_rate: {type: float, low: 1.0e-5, high: 1.0e-1, log: true}
                  optimizer: [adam, adamw]
                data: {corpus: synthetic, path: data}
                model: {preset: small}
                training: {epochs: 3}
                execution: {parallelism: 2, checkpoint_dir: ck}
                output: {delta_path: delta}
                """;
        config = new ConfigLoader(k -> null, dir).loadText(yaml, "nb.yaml", List.of(), Map.of());
        new TuneJob(config, SparkTestSession.get(), new CurveWork(List.of(), List.of(4), List.of(), 0), List.of(),
                Clock.systemUTC()).run();
    }

    static Path notebook(String name) {
        return Path.of(System.getProperty("smarttuner.project.dir", ".")).resolve("notebooks").resolve(name);
    }

    /** Runs one statement and returns its rows. */
    static List<Row> run(String sql) {
        return SparkTestSession.get().sql(sql).collectAsList();
    }

    @Test
    void databricksNotebookStatementsRun() throws Exception {
        String src = Files.readString(notebook("smart_tuner_results.sql"));
        assertTrue(src.startsWith("-- Databricks notebook source"), "Databricks source format");
        List<String> statements = new ArrayList<>();
        for (String cell : src.split("-- COMMAND ----------")) {
            String c = cell.strip();
            if (c.startsWith("-- Databricks") || c.startsWith("-- MAGIC") || c.contains("CREATE WIDGET")) {
                continue;
            }
            statements.add(c.replace("${delta_path}", config.output().deltaPath()).replace("${study}", "nb")
                    .replaceAll(";\\s*$", ""));
        }
        assertEquals(7, statements.size(), statements.toString());
        check(statements);
    }

    @Test
    void zeppelinNoteStatementsRun() throws Exception {
        JsonNode note = new ObjectMapper().readTree(notebook("smart_tuner_results.zpln").toFile());
        List<String> statements = new ArrayList<>();
        boolean runsAStudy = false;
        for (JsonNode p : note.get("paragraphs")) {
            String text = p.get("text").asText();
            runsAStudy |= text.startsWith("%sh") && text.contains("jobs/tune.sh");
            if (text.startsWith("%spark.sql")) {
                statements.add(text.substring("%spark.sql".length()).strip()
                        .replaceAll("\\$\\{delta_path=[^}]*}", config.output().deltaPath())
                        .replaceAll("\\$\\{study=[^}]*}", "nb").replaceAll(";\\s*$", ""));
            }
        }
        assertTrue(runsAStudy, "the note starts a study");
        assertEquals(7, statements.size());
        check(statements);
    }

    private static void check(List<String> statements) {
        List<Row> best = run(statements.get(0));
        assertFalse(best.isEmpty(), "best trials");
        for (int i = 1; i < best.size(); i++) {
            assertTrue(best.get(i - 1).getDouble(2) <= best.get(i).getDouble(2), "ordered by value");
        }
        for (String s : statements.subList(1, statements.size())) {
            List<Row> rows = run(s);
            assertFalse(rows.isEmpty(), "no rows from: " + s);
        }
        List<Row> failures = run(statements.get(5));
        assertEquals(1, failures.size(), "trial 4 failed on purpose");
        assertTrue(failures.get(0).<String>getAs("error").contains("simulated bad parameters"));
    }
}
