package org.smarttuner.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.cli.Main;

/**
 * The cells of the notebooks that start a study (NotebooksTest runs their SQL against a real study).
 * The Zeppelin paragraph runs for real with bash, against a stand-in jobs/tune.sh.
 */
class NotebookStartCellsTest {
    static final Path NOTEBOOKS = JobScriptsTest.PROJECT.resolve("notebooks");

    static String zeppelinStartParagraph() throws Exception {
        JsonNode note = new ObjectMapper().readTree(NOTEBOOKS.resolve("smart_tuner_results.zpln").toFile());
        for (JsonNode p : note.get("paragraphs")) {
            String text = p.get("text").asText();
            if (text.startsWith("%sh") && text.contains("jobs/tune.sh")) {
                return text.substring("%sh".length());
            }
        }
        throw new AssertionError("the Zeppelin note has no %sh paragraph that runs jobs/tune.sh");
    }

    @Test
    void zeppelinParagraphStartsTheStudyDetachedAndNeverTwice(@TempDir Path home) throws Exception {
        Path tune = Files.createDirectories(home.resolve("jobs")).resolve("tune.sh");
        // Stands in for tune.sh: says what it got, then runs for a while like a study.
        Files.writeString(tune, "#!/usr/bin/env bash\necho \"stand-in tune.sh $*\"\nsleep 8\necho finished\n");
        Files.setPosixFilePermissions(tune, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Zeppelin fills ${name=default} forms with their values before the shell sees the text.
        String script = zeppelinStartParagraph().replace("${smart_tuner_home=/opt/smart-tuner}", home.toString())
                .replace("${config=conf/local.yaml}", "conf/study.yaml");
        assertTrue(!script.contains("${"), "every form is filled: " + script);

        JobScriptsTest.Result first = JobScriptsTest.run(Map.of(), List.of(), "/bin/bash", "-c", script);
        assertEquals(0, first.rc(), first.err());
        assertTrue(first.out().contains("study started; log: " + home + "/work/tune.log"), first.out());
        assertTrue(first.out().contains("stand-in tune.sh --config conf/study.yaml"), first.out());

        JobScriptsTest.Result second = JobScriptsTest.run(Map.of(), List.of(), "/bin/bash", "-c", script);
        assertTrue(second.out().contains("a study started from this note is still running"), second.out());

        // Let the stand-in finish (it ends by itself) so no process outlives the test.
        JobScriptsTest.Result done = JobScriptsTest.run(Map.of(), List.of(), "/bin/bash", "-c",
                "flock " + home.resolve("work/tune.lock") + " cat " + home.resolve("work/tune.log"));
        assertEquals(1, done.out().lines().filter(l -> l.startsWith("stand-in tune.sh")).count(),
                "one study ran: " + done.out());
        assertTrue(done.out().contains("finished"), done.out());
    }

    @Test
    void databricksNotebookStartsTheStudyThroughMainRunWhenAsked() throws Exception {
        String src = Files.readString(NOTEBOOKS.resolve("smart_tuner_results.sql"));
        assertTrue(src.contains("CREATE WIDGET DROPDOWN start_study DEFAULT 'no'"),
                "running the notebook top to bottom must not start a study by itself");
        assertTrue(src.contains("-- MAGIC %python\n"), src);
        assertTrue(!src.contains("%scala"), "the project has no Scala, not even in a notebook cell");
        assertTrue(src.contains("-- MAGIC if dbutils.widgets.get(\"start_study\") == \"yes\":\n"), src);
        assertTrue(src.contains("-- MAGIC     exit_code = sc._jvm.org.smarttuner.cli.Main.run(args)\n"), src);
        // Main.run returns the exit code; Main.main would System.exit the notebook's driver.
        Method run = Main.class.getMethod("run", String[].class);
        assertTrue(Modifier.isStatic(run.getModifiers()) && run.isVarArgs());
        assertEquals(int.class, run.getReturnType());
    }
}
