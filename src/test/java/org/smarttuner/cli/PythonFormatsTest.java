package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/**
 * Our Python-style text against Python itself (one run of the venv's Python): float repr,
 * timedelta, str of strings and nested values, json.dumps and PyYAML's safe_dump.
 */
class PythonFormatsTest {
    private static final List<String> STRINGS = List.of("yes", "no", "on", "null", "~", "0:00:01", "0:00:01.5",
            "0:00:18.120799", "2026-12-02 04:08:26", "1.5", "1e5", "123", "-1", "0x1f", "0o7", "hello \"w\" é",
            "it's", "it's \"both\"", "a: b", "- x", "#c", "x #c", "", " lead", "trail ", "multi\nline", "tab\tx",
            "@at", "`bt", "!bang", "%p", "&amp", "*star", "|pipe", ">gt", "?q", "[x", "{x", "a,b", "é", "😀",
            "long ".repeat(30), "\u007f", "\u0001", "\u0000", "\u00a0nbsp", "\u2028", "True", "FALSE", ".inf",
            ".nan", "1_000", "+1", "1:20", "190:20:30", "=", "<<", "v 1", "3", "MINIMIZE", "back\\slash",
            "cr\rlf", "\u0085next");
    private static final double[] SPECIAL = {0.1, 0.3, 2.0 / 3, 1e-05, 1e-4, 1.5e-4, 1e16, 1e15, 9.999999999999999e15,
        123456789.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 2.5e-5, 1e22, 1e23, 9007199254740993.0,
        -0.0, 0.0, 1.0, -1.5, 100.0, 5e-324, 1.7976931348623157e308, 4.35, 0.1 + 0.2, 1.2345678901234567e-7};

    @TempDir
    Path dir;

    @Test
    void pythonWritesTheSameText() throws Exception {
        Random rnd = new Random(7);
        List<Double> floats = new ArrayList<>();
        for (double d : SPECIAL) {
            floats.add(d);
        }
        while (floats.size() < 1500) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (Double.isFinite(d)) {
                floats.add(d);
            }
        }
        for (int i = 0; i < 500; i++) {
            floats.add(rnd.nextInt(2_000_000) / Math.pow(10, rnd.nextInt(12)) - 1000);
        }
        List<Long> micros = new ArrayList<>(List.of(0L, 1L, 1_000_000L, 1_234_567L, 86_400_000_000L,
                93_784_000_005L, 2 * 86_400_000_000L + 5, -1L, -86_400_000_001L, 359_999_999_999L));
        for (int i = 0; i < 50; i++) {
            micros.add(rnd.nextLong() % 400_000_000_000_000L);
        }
        String nestedJson = "{\"b\": [1, 2.5, \"x\", null, true, false, {\"z\": \"it's\", \"a\": [], \"m\": {}}], "
                + "\"a\": 1e-05, \"big\": 12345678901234567890, \"neg\": -0.0, \"s\": \"tab\\tnew\\nline é 😀 \\u0000 "
                + "\\u007f \\\\ '\\\"\"}";
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("floats", floats.stream().map(Double::toHexString).toList());
        input.put("micros", micros);
        input.put("strings", STRINGS);
        input.put("nested", json.readTree(nestedJson));
        Path in = dir.resolve("in.json");
        Files.writeString(in, json.writeValueAsString(input));

        JsonNode py = json.readTree(PythonEnv.run("python_formats.py", 120, in.toString()));

        for (int i = 0; i < floats.size(); i++) {
            assertEquals(py.get("repr").get(i).asText(), PythonText.floatRepr(floats.get(i)),
                    "repr of " + Double.toHexString(floats.get(i)));
        }
        for (int i = 0; i < micros.size(); i++) {
            assertEquals(py.get("timedelta").get(i).asText(), PythonText.timedelta(Duration.of(micros.get(i),
                    ChronoUnit.MICROS)), "timedelta of " + micros.get(i) + " us");
        }
        for (int i = 0; i < STRINGS.size(); i++) {
            assertEquals(py.get("string_repr").get(i).asText(), PythonText.stringRepr(STRINGS.get(i)),
                    "repr of string " + i);
        }
        Object nested = json.readValue(nestedJson, Object.class);
        assertEquals(py.get("nested_str").asText(), PythonText.str(nested));

        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < floats.size(); i++) {
            doc.put(String.format("f%04d", i), floats.get(i));
        }
        for (int i = 0; i < STRINGS.size(); i++) {
            doc.put(String.format("s%04d", i), STRINGS.get(i));
        }
        doc.put("nested", nested);
        assertEquals(py.get("json").asText(), PythonJson.write(doc));
        assertLinesEqual(upperHexEscapes(py.get("yaml").asText()), upperHexEscapes(PythonYaml.write(doc)));
    }

    @Test
    void aTupleIsPrintedAsPythonPrintsOne() {
        assertEquals("('MINIMIZE',)", PythonText.str(new PyTuple(List.of("MINIMIZE"))));
        assertEquals("('MINIMIZE', 'MAXIMIZE')", PythonText.str(new PyTuple(List.of("MINIMIZE", "MAXIMIZE"))));
        assertEquals("[\"MINIMIZE\"]", PythonJson.write(new PyTuple(List.of("MINIMIZE"))));
        assertEquals("- MINIMIZE\n", PythonYaml.write(new PyTuple(List.of("MINIMIZE"))));
        assertEquals("[NaN, Infinity, -Infinity]", PythonJson.write(List.of(Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY)));
        assertEquals("- .nan\n- .inf\n- -.inf\n", PythonYaml.write(List.of(Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY)));
        assertEquals("[nan, inf, -inf]", PythonText.str(List.of(Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY)));
    }

    /**
     * SnakeYAML writes the escapes of non-ASCII characters in double quotes in lower case
     * ({@code \xe9}), PyYAML in upper case ({@code \xE9}): the same YAML, the one difference left.
     */
    static String upperHexEscapes(String yaml) {
        Matcher m = Pattern.compile("\\\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})").matcher(yaml);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement("\\" + m.group(1).charAt(0)
                    + m.group(1).substring(1).toUpperCase(java.util.Locale.ROOT)));
        }
        return m.appendTail(sb).toString();
    }

    /** Line by line, so that a difference names its line. */
    static void assertLinesEqual(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            assertEquals(e[i], a[i], "line " + (i + 1));
        }
        assertEquals(e.length, a.length, "number of lines");
    }
}
