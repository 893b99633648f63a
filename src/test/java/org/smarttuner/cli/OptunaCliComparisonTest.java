package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.storage.SqliteUrl;
import org.yaml.snakeyaml.Yaml;

/**
 * The same command lines through the real {@code optuna} command (the venv's Optuna 5) and
 * through ours, each on its own copy of one study file that Optuna's API wrote
 * (optuna_cli_study.py): what a script reads from stdout must be the same. Both read the same
 * stored trials, so datetimes and durations are compared by value as well as by format. The one
 * difference allowed: the case of hex escapes in YAML's double-quoted strings.
 */
class OptunaCliComparisonTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final Pattern DATETIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    private static final Pattern DURATION = Pattern.compile("(\\d+ days?, )?\\d+:\\d\\d:\\d\\d(\\.\\d{6})?");
    private static final String SPACE = "{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": -2.0, "
            + "\"high\": 2.0, \"log\": false, \"step\": null}}, \"n\": {\"name\": \"IntDistribution\", \"attributes\": "
            + "{\"low\": 1, \"high\": 8, \"log\": false, \"step\": 1}}, \"opt\": {\"name\": \"CategoricalDistribution\", "
            + "\"attributes\": {\"choices\": [\"adam\", \"sgd\"]}}}";

    @TempDir
    static Path shared;
    private static Path made;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void optunaWritesTheStudyFile() {
        made = shared.resolve("made.db");
        PythonEnv.run("optuna_cli_study.py", 120, SqliteUrl.of(made));
    }

    private Path copy(String name) throws Exception {
        return Files.copy(made, dir.resolve(name));
    }

    /** The command line with every "URL" replaced by the file's storage URL. */
    private static String[] line(Path file, String... template) {
        return Arrays.stream(template).map(a -> a.equals("URL") ? SqliteUrl.of(file) : a).toArray(String[]::new);
    }

    private static Run ours(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run optuna(String... args) throws Exception {
        Path exe = PythonEnv.python().resolveSibling("optuna");
        if (!Files.isExecutable(exe)) {
            fail("Optuna's command line is not at " + exe + "; install.sh installs optuna into the venv");
        }
        List<String> cmd = new ArrayList<>(List.of(exe.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(shared, "optuna-out", ".txt");
        Path err = Files.createTempFile(shared, "optuna-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("OPTUNA_STORAGE");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("optuna did not finish within 120 s: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Runs one command line through both, on copies of the study file, and checks stdout is the same. */
    private void same(String format, String... template) throws Exception {
        Path theirs = copy("optuna-" + System.nanoTime() + ".db");
        Path mine = copy("ours-" + System.nanoTime() + ".db");
        Run o = optuna(line(theirs, template));
        Run u = ours(line(mine, template));
        String what = String.join(" ", template);
        assertEquals(0, o.code(), what + ": optuna failed\n" + o.err());
        assertEquals(0, u.code(), what + ": ours failed\n" + u.err());
        switch (format) {
            case "json" -> sameJson(JSON.readTree(o.out()), JSON.readTree(u.out()), what);
            case "yaml" -> assertEquals(new Yaml().<Object>load(o.out()), new Yaml().<Object>load(u.out()), what);
            default -> { }
        }
        String expected = format.equals("yaml") ? PythonFormatsTest.upperHexEscapes(o.out()) : o.out();
        String actual = format.equals("yaml") ? PythonFormatsTest.upperHexEscapes(u.out()) : u.out();
        assertEquals(expected, actual, what);
    }

    /** Field by field: the same names in the same order, the same JSON types, the same values. */
    private static void sameJson(JsonNode theirs, JsonNode mine, String at) {
        assertEquals(theirs.getNodeType(), mine.getNodeType(), at);
        if (theirs.isObject()) {
            List<String> names = new ArrayList<>();
            theirs.fieldNames().forEachRemaining(names::add);
            List<String> ourNames = new ArrayList<>();
            mine.fieldNames().forEachRemaining(ourNames::add);
            assertEquals(names, ourNames, at + ": fields");
            for (String n : names) {
                JsonNode v = mine.get(n);
                if (v.isTextual() && (n.startsWith("datetime_"))) {
                    assertTrue(DATETIME.matcher(v.asText()).matches(), at + "." + n + ": " + v);
                } else if (v.isTextual() && n.equals("duration")) {
                    assertTrue(DURATION.matcher(v.asText()).matches(), at + "." + n + ": " + v);
                }
                sameJson(theirs.get(n), v, at + "." + n);
            }
        } else if (theirs.isArray()) {
            assertEquals(theirs.size(), mine.size(), at + ": length");
            for (int i = 0; i < theirs.size(); i++) {
                sameJson(theirs.get(i), mine.get(i), at + "[" + i + "]");
            }
        } else {
            assertEquals(theirs.isIntegralNumber(), mine.isIntegralNumber(), at + ": int or float");
            assertEquals(theirs, mine, at);
        }
    }

    @Test
    void readingVerbsPrintWhatOptunaPrints() throws Exception {
        same("json", "trials", "--storage", "URL", "--study-name", "s", "-f", "json");
        same("yaml", "trials", "--storage", "URL", "--study-name", "s", "-f", "yaml");
        same("table", "--storage", "URL", "trials", "--study-name", "s", "-f", "table", "--flatten");
        same("value", "--storage", "URL", "-f", "value", "trials", "--study-name", "s");
        same("json", "best-trial", "--storage", "URL", "--study-name", "s", "-f", "json", "--flatten");
        same("yaml", "best-trial", "--storage", "URL", "--study-name", "s", "-f", "yaml");
        same("table", "best-trials", "--storage", "URL", "--study-name", "s");
        same("json", "best-trials", "--storage", "URL", "--study-name", "unfinished", "-f", "json");
        same("table", "studies", "--storage", "URL");
        same("json", "studies", "--storage", "URL", "-f", "json");
        same("yaml", "studies", "--storage", "URL", "-f", "yaml", "--flatten");
        same("value", "--storage", "URL", "study-names");
        same("json", "study-names", "--storage", "URL", "-f", "json");
    }

    @Test
    void askPrintsOptunasFieldsInEachFormat() throws Exception {
        for (String[] f : List.of(new String[] {"json"}, new String[] {"yaml", "--flatten"},
                new String[] {"value", "--flatten"}, new String[] {"table"})) {
            Path theirs = copy("optuna-" + f[0] + ".db");
            Path mine = copy("ours-" + f[0] + ".db");
            List<String> template = new ArrayList<>(List.of("ask", "--storage", "URL", "--study-name", "empty",
                    "--search-space", SPACE, "-f"));
            template.addAll(List.of(f));
            Run o = optuna(line(theirs, template.toArray(String[]::new)));
            Run u = ours(line(mine, template.toArray(String[]::new)));
            assertEquals(0, o.code(), o.err());
            assertEquals(0, u.code(), u.err());
            switch (f[0]) {
                case "json" -> {
                    JsonNode a = JSON.readTree(o.out());
                    JsonNode b = JSON.readTree(u.out());
                    assertEquals(List.of("number", "params"), names(a));
                    assertEquals(names(a), names(b));
                    assertEquals(a.get("number"), b.get("number"));
                    assertEquals(List.of("x", "n", "opt"), names(a.get("params")), "search-space order");
                    assertEquals(names(a.get("params")), names(b.get("params")));
                    for (JsonNode p : List.of(a.get("params"), b.get("params"))) {
                        assertTrue(p.get("x").isDouble() && Math.abs(p.get("x").asDouble()) <= 2, p.toString());
                        assertTrue(p.get("n").isInt() && p.get("n").asInt() >= 1 && p.get("n").asInt() <= 8, p.toString());
                        assertTrue(List.of("adam", "sgd").contains(p.get("opt").asText()), p.toString());
                    }
                }
                case "yaml" -> {
                    Map<String, Object> a = new Yaml().load(o.out());
                    Map<String, Object> b = new Yaml().load(u.out());
                    assertEquals(List.of("number", "params_n", "params_opt", "params_x"), List.copyOf(a.keySet()));
                    assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
                    for (String k : a.keySet()) {
                        assertEquals(a.get(k).getClass(), b.get(k).getClass(), k);
                    }
                }
                case "value" -> {
                    String[] a = o.out().strip().split(" ");
                    String[] b = u.out().strip().split(" ");
                    assertEquals(4, a.length, o.out());
                    assertEquals(4, b.length, u.out());
                    assertEquals(a[0], b[0], "number");
                    Double.parseDouble(b[1]);
                    assertTrue(Integer.parseInt(b[2]) >= 1);
                    assertTrue(List.of("adam", "sgd").contains(b[3]), u.out());
                }
                default -> {
                    String[] a = o.out().split("\n");
                    String[] b = u.out().split("\n");
                    assertEquals(5, a.length, o.out());
                    assertEquals(5, b.length, u.out());
                    assertEquals(a[1].replaceAll(" +", " "), b[1].replaceAll(" +", " "), "header");
                    assertTrue(b[0].startsWith("+--------+") && b[3].startsWith("|      0 | {'x': "), u.out());
                }
            }
            for (Path file : List.of(theirs, mine)) {
                JsonNode t = JSON.readTree(ours("trials", "--storage", SqliteUrl.of(file), "--study-name", "empty",
                        "-f", "json").out());
                assertEquals(1, t.size(), file.toString());
                assertEquals("RUNNING", t.get(0).get("state").asText());
            }
        }
    }

    private static List<String> names(JsonNode o) {
        List<String> n = new ArrayList<>();
        o.fieldNames().forEachRemaining(n::add);
        return n;
    }

    @Test
    void tellRecordsWhatOptunasTellRecords() throws Exception {
        Path theirs = copy("optuna.db");
        Path mine = copy("ours.db");
        String[] tell = {"tell", "--storage", "URL", "--study-name", "s", "--trial-number", "5", "--values", "0.125"};
        Run o = optuna(line(theirs, tell));
        Run u = ours(line(mine, tell));
        assertEquals(0, o.code(), o.err());
        assertEquals(0, u.code(), u.err());
        assertEquals(o.out(), u.out(), "tell prints nothing");
        JsonNode a = JSON.readTree(ours("trials", "--storage", SqliteUrl.of(theirs), "--study-name", "s", "-f",
                "json").out());
        JsonNode b = JSON.readTree(ours("trials", "--storage", SqliteUrl.of(mine), "--study-name", "s", "-f",
                "json").out());
        for (Iterator<String> it = a.get(5).fieldNames(); it.hasNext();) {
            String n = it.next();
            if (n.equals("datetime_complete") || n.equals("duration")) {
                assertTrue((n.equals("duration") ? DURATION : DATETIME).matcher(b.get(5).get(n).asText()).matches(),
                        n + ": " + b.get(5).get(n)); // told at a different moment
            } else {
                assertEquals(a.get(5).get(n), b.get(5).get(n), n);
            }
        }
        assertEquals("COMPLETE", b.get(5).get("state").asText());
        assertEquals(0.125, b.get(5).get("value").asDouble());
    }

    @Test
    void setUserAttrIsReadBackByOptuna() throws Exception {
        Path file = copy("attr.db");
        Run set = ours(line(file, "--storage", "URL", "study", "set-user-attr", "--study-name", "s", "-k", "stage",
                "--value", "warm up é"));
        assertEquals(0, set.code(), set.err());
        assertEquals("", set.out());
        Run o = optuna(line(file, "studies", "--storage", "URL", "-f", "json"));
        assertEquals(0, o.code(), o.err());
        JsonNode s = JSON.readTree(o.out()).get(0);
        assertEquals("s", s.get("name").asText());
        assertEquals(JSON.readTree("{\"owner\": \"tts team\", \"stage\": \"warm up \\u00e9\"}"), s.get("user_attrs"));
        assertEquals(o.out(), ours(line(file, "studies", "--storage", "URL", "-f", "json")).out());
    }

    @Test
    void storageUpgradeIsANoOpOnACurrentFileAndRefusesAnotherRevision() throws Exception {
        Path theirs = copy("optuna.db");
        Path mine = copy("ours.db");
        Run o = optuna(line(theirs, "storage", "upgrade", "--storage", "URL"));
        Run u = ours(line(mine, "--storage", "URL", "storage", "upgrade"));
        assertEquals(0, o.code(), o.err());
        assertEquals(0, u.code(), u.err());
        assertEquals("", o.out());
        assertEquals("", u.out());
        assertTrue(u.err().contains("up-to-date") && u.err().contains("v3.2.0.a"), u.err());
        assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(mine), "the file is only read");

        for (String revision : List.of("v3.0.0.d", "v9.9.9.z")) {
            Path old = copy("old-" + revision + ".db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
                 Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE alembic_version SET version_num = '" + revision + "'");
            }
            byte[] before = Files.readAllBytes(old);
            Run refused = ours(line(old, "storage", "upgrade", "--storage", "URL"));
            assertEquals(Main.RUNTIME_ERROR, refused.code(), refused.err());
            assertTrue(refused.err().contains("schema revision " + revision)
                    && refused.err().contains("does not migrate")
                    && refused.err().contains("optuna storage upgrade --storage " + SqliteUrl.of(old.toAbsolutePath()
                    .normalize())), refused.err());
            assertTrue(refused.err().contains(revision.startsWith("v3.0") ? "made by Optuna 3.0 or 3.1"
                    : "not one this tool knows"), refused.err());
            assertArrayEquals(before, Files.readAllBytes(old), revision + ": the file is left as it is");
        }
    }

    @Test
    void badInputsGetClearErrorsAndChangeNothing() throws Exception {
        Path file = copy("bad.db");
        Run theirs = optuna(line(copy("optuna.db"), "trials", "--storage", "URL", "--study-name", "s", "-f", "xml"));
        assertEquals(2, theirs.code(), "Optuna's argparse refuses it with 2 as well");
        assertEquals(Main.RUNTIME_ERROR, ours(line(file, "best-trial", "--storage", "URL", "--study-name", "unfinished"))
                .code(), "no complete trial: 1, as Optuna");
        String content = content(file);
        record Bad(String[] args, List<String> says) {
        }
        List<Bad> bad = List.of(
                new Bad(new String[] {"trials", "--storage", "URL", "--study-name", "s", "-f", "xml"},
                        List.of("'xml'", "json, table, yaml, value")),
                new Bad(new String[] {"study", "set-user-attr", "--storage", "URL", "--study-name", "nope", "--key",
                    "k", "--value", "v"}, List.of("no study named 'nope'", "studies there: s, unfinished, empty")),
                new Bad(new String[] {"study", "set-user-attr", "--storage", "URL", "--study-name", "s", "--key", "k"},
                        List.of("--value")),
                new Bad(new String[] {"study", "--storage", "URL"}, List.of("set-user-attr")),
                new Bad(new String[] {"best-trials", "--storage", "URL", "--study-name", "nope"},
                        List.of("no study named 'nope'")),
                new Bad(new String[] {"studies", "--storage", "URL", "--study-name", "s"}, List.of("--study-name")),
                new Bad(new String[] {"--storage-class", "JournalFileBackend", "trials", "--storage", "URL",
                    "--study-name", "s"}, List.of("JournalFileBackend is not supported", "RDBStorage")),
                new Bad(new String[] {"trials", "--storage", "URL", "--storage-class", "Nope", "--study-name", "s"},
                        List.of("'Nope' is not one of", "RDBStorage")),
                new Bad(new String[] {"ask", "--storage", "URL", "--study-name", "s"},
                        List.of("--search-space is required")),
                new Bad(new String[] {"ask", "--storage", "URL", "--study-name", "s", "--search-space", "{}"},
                        List.of("--search-space is required")),
                new Bad(new String[] {"tell", "--storage", "URL", "--study-name", "s", "--trial-number", "99",
                    "--values", "1"}, List.of("99")),
                new Bad(new String[] {"tell", "--storage", "URL", "--study-name", "s", "--trial-number", "0",
                    "--values", "1"}, List.of("is COMPLETE")));
        for (Bad b : bad) {
            String[] args = line(file, b.args());
            Run r = ours(args);
            String what = String.join(" ", b.args());
            assertEquals(Main.USAGE_ERROR, r.code(), what + "\n" + r.err());
            assertEquals("", r.out(), what);
            for (String s : b.says()) {
                assertTrue(r.err().contains(s), what + ": expected '" + s + "' in\n" + r.err());
            }
            assertEquals(content, content(file), what + " changed the study file");
        }
        Path missing = dir.resolve("missing.db");
        Run r = ours(line(missing, "storage", "upgrade", "--storage", "URL"));
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("no study file at " + missing) && r.err().contains("none is created"), r.err());
        assertFalse(Files.exists(missing), "storage upgrade created a file");

        Run none = ours(line(file, "best-trials", "--storage", "URL", "--study-name", "unfinished", "-f", "json"));
        assertEquals(0, none.code(), none.err());
        assertEquals("[]\n", none.out(), "no complete trial: an empty list, as Optuna");
        assertEquals(content, content(file));
    }

    /** Every row of every table, and a digest of them: what "changes nothing" means for the file's content. */
    private static String content(Path file) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file + "?mode=ro");
             Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet r = st.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY 1")) {
                    int n = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        sb.append(t);
                        for (int i = 1; i <= n; i++) {
                            sb.append('|').append(r.getString(i));
                        }
                        sb.append('\n');
                    }
                }
            }
        }
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString()
                .getBytes(StandardCharsets.UTF_8))) + "\n" + sb;
    }
}
