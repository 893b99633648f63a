package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.spark.ReportStudyFixture;

/** `smart-tuner report` on a real finished study, from Delta and from the SQLite file, and its bad inputs. */
class ReportCommandTest {
    @TempDir
    static Path dir;
    static ReportStudyFixture f;

    @BeforeAll
    static void finishedStudy() throws Exception {
        f = ReportStudyFixture.create(dir);
    }

    /** What the sample section says when a sample is missing, for failure messages. */
    static String sampleNote(String html) {
        int i = html.indexOf("No sample: ");
        return i < 0 ? "no note" : html.substring(i, Math.min(html.length(), html.indexOf("</p>", i)));
    }

    private static MainTest.Run report(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "report";
        System.arraycopy(more, 0, args, 1, more.length);
        return MainTest.run(args);
    }

    @Test
    void fromDeltaThroughTheConfigurationWithTheBestTrialSpoken() throws Exception {
        Path out = dir.resolve("out/delta-report.html");
        MainTest.Run r = report("-c", f.configFile().toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("written to " + out), r.out());
        String html = Files.readString(out);
        assertTrue(html.contains("Delta tables at " + f.delta()), "names its source");
        assertTrue(html.contains("<h2>Best trial</h2><table class=\"kv\"><tr><th>trial</th><td>#" + f.best().number()),
                "best trial");
        for (String id : new String[] {"chart-history", "chart-curves", "chart-importance", "chart-parallel",
            "sample-alignment", "sample-audio"}) {
            assertTrue(html.contains("id=\"" + id + "\""), id + " (" + sampleNote(html) + ")");
        }
        assertTrue(html.contains("one-way ANOVA"), "names its importance method");
        assertTrue(html.contains("class=\"pruned-mark\""), "pruned trials are marked");
        assertFalse(html.contains("sample-missing"), "the sample is there");
        for (String id : new String[] {"sample-metrics", "sample-mel", "recorded-mel"}) {
            assertTrue(html.contains("id=\"" + id + "\""), id + ": the best trial is judged against the first "
                    + "validation utterance's recording");
        }
        assertTrue(html.contains("beside a pruned one"), "a pruned trial speaks beside the best");
        selfContained(html);
        byte[] wav = dataUri(html, "audio/wav");
        assertEquals("RIFF", new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        // the fixture's one-epoch model may stop after its first step: still at least one hop of audio
        assertTrue(wav.length >= 44 + 2 * 256, "a real WAV: " + wav.length + " bytes");
        byte[] png = dataUri(html, "image/png");
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void opensInHeadlessChromiumWithEveryChartDrawnAndNoErrors() throws Exception {
        Path out = dir.resolve("chromium/report.html");
        MainTest.Run r = report("-c", f.configFile().toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        try (ReportChromium chrome = ReportChromium.start(dir.resolve("chromium-profile"))) {
            chrome.open(out);
            JsonNode sizes = chrome.evaluate("""
                    JSON.stringify(['chart-history', 'chart-curves', 'chart-importance', 'chart-parallel',
                      'sample-alignment', 'sample-audio'].map(function (id) {
                      var e = document.getElementById(id);
                      if (!e) { return {id: id, missing: true}; }
                      var b = e.getBoundingClientRect();
                      return {id: id, w: b.width, h: b.height, marks: e.querySelectorAll('path,circle,rect').length};
                    }))""");
            JsonNode charts = new ObjectMapper().readTree(sizes.asText());
            assertEquals(6, charts.size());
            for (JsonNode c : charts) {
                assertFalse(c.path("missing").asBoolean(), "missing: " + c);
                assertTrue(c.get("w").asDouble() > 0 && c.get("h").asDouble() > 0, "zero size: " + c);
                if (c.get("id").asText().startsWith("chart-")) {
                    assertTrue(c.get("marks").asInt() > 0, "an empty chart: " + c);
                }
            }
            assertTrue(chrome.evaluate("document.getElementById('sample-alignment').naturalWidth").asInt() > 0,
                    "the alignment PNG decodes");
            double seconds = chrome.evaluate("""
                    new Promise(function (ok) {
                      var a = document.getElementById('sample-audio');
                      if (a.readyState >= 1) { ok(a.duration); return; }
                      a.addEventListener('loadedmetadata', function () { ok(a.duration); });
                      a.addEventListener('error', function () { ok(-1); });
                      a.load();
                    })""").asDouble();
            assertTrue(seconds > 0, "the WAV decodes in the browser: duration " + seconds);
            assertEquals(2, chrome.evaluate("document.querySelectorAll('.hl').length === 0 ? (function () {"
                    + " var e = document.querySelector('#chart-curves [data-trial]');"
                    + " e.dispatchEvent(new Event('mouseenter'));"
                    + " return document.querySelectorAll('tr.hl').length + 1; })() : 0").asInt(),
                    "hovering a curve highlights its row in the trials table");
            chrome.screenshot(Path.of(System.getProperty("smarttuner.project.dir", ".")).resolve(
                    "target/report-screenshot.png"));
            assertEquals(List.of(), chrome.errors(), "console errors or exceptions");
        }
    }

    @Test
    void fromTheSqliteFileWithoutAConfiguration() throws Exception {
        // No -c: the embedded default gives settings that do not match this study's tiny model; the
        // report says so in the sample section and is written anyway.
        Path out = dir.resolve("sqlite-report.html");
        MainTest.Run r = report("--sqlite", f.sqlite().toString(), "--study", "rep", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(out);
        assertTrue(html.contains("SQLite study file " + f.sqlite()), "names its source");
        assertTrue(html.contains("id=\"chart-history\""));
        assertTrue(html.contains("id=\"sample-missing\""), "no sample");
        assertTrue(html.contains("other model settings"), "says why");
        selfContained(html);
    }

    @Test
    void aGoneOrUnreadableCheckpointIsSaidInTheReportAndTheCommandSucceeds() throws Exception {
        Path saved = dir.resolve("saved.ckpt");
        Files.copy(f.bestCheckpoint(), saved);
        try {
            Files.writeString(f.bestCheckpoint(), "not a checkpoint");
            Path out = dir.resolve("unreadable.html");
            MainTest.Run r = report("-c", f.configFile().toString(), "--sqlite", f.sqlite().toString(), "-o",
                    out.toString());
            assertEquals(0, r.code(), r.err());
            String html = Files.readString(out);
            assertTrue(html.contains("id=\"sample-missing\""), "no sample");
            assertTrue(html.contains("could not be used") && html.contains("not a Smart Tuner checkpoint"), "why");
            assertTrue(html.contains("id=\"chart-parallel\""), "the rest is there");

            Files.delete(f.bestCheckpoint());
            Path gone = dir.resolve("gone.html");
            r = report("-c", f.configFile().toString(), "-o", gone.toString());
            assertEquals(0, r.code(), r.err());
            html = Files.readString(gone);
            assertTrue(html.contains("id=\"sample-missing\""), "no sample");
            assertTrue(html.contains("is gone"), "why");
        } finally {
            Files.copy(saved, f.bestCheckpoint(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void theJobWroteItsReportAtTheEndOfTheStudy() throws Exception {
        // The job's report came before the fixture put a real checkpoint in place: its sample section
        // says the driver-side stand-in checkpoint could not be used, and the study finished anyway.
        String html = Files.readString(Path.of(f.config().output().reportPath().orElseThrow()));
        assertTrue(html.contains("id=\"chart-history\""));
        assertTrue(html.contains("id=\"sample-missing\""));
        selfContained(html);
    }

    @Test
    void unknownStudyIsAUsageError() {
        MainTest.Run r = report("-c", f.configFile().toString(), "--study", "nope", "-o", dir.resolve("x.html")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("no study named 'nope' in the Delta tables at " + f.delta()
                + "; studies there: rep"), r.err());
        r = report("--sqlite", f.sqlite().toString(), "--study", "nope", "-o", dir.resolve("x.html").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("no study named 'nope' in " + f.sqlite() + "; studies there: rep"), r.err());
        assertFalse(Files.exists(dir.resolve("x.html")));
    }

    @Test
    void missingStoresAreUsageErrorsAndNoFileIsCreated() {
        Path db = dir.resolve("missing.db");
        MainTest.Run r = report("--sqlite", db.toString(), "--study", "rep", "-o", dir.resolve("y.html").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("no SQLite study file at " + db), r.err());
        assertFalse(Files.exists(db), "reading never creates a study file");
        r = report("--delta", dir.resolve("nodelta").toString(), "--study", "rep", "-o", dir.resolve("y.html")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("no Delta tables at " + dir.resolve("nodelta")), r.err());
    }

    @Test
    void bothSourcesAreAUsageError() {
        MainTest.Run r = report("--delta", f.delta(), "--sqlite", f.sqlite().toString(), "--study", "rep", "-o",
                dir.resolve("z.html").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("give either --delta or --sqlite, not both"), r.err());
    }

    @Test
    void anOutputThatCannotBeWrittenIsAUsageErrorBeforeAnyWork() throws Exception {
        // Tests may run as root, which writes through any permission: a file where a folder should be
        // is a place nobody can write to.
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        MainTest.Run r = report("--sqlite", f.sqlite().toString(), "--study", "rep", "-o", file.resolve("r.html")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("cannot write the report to " + file.resolve("r.html") + ": " + file
                + " is not a folder"), r.err());
        r = report("--sqlite", f.sqlite().toString(), "--study", "rep", "-o", dir.toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("is a folder"), r.err());
        r = report("--sqlite", f.sqlite().toString(), "--study", "rep");
        assertEquals(Main.USAGE_ERROR, r.code(), "--output is required");
        assertTrue(r.err().contains("--output"), r.err());
    }

    /** Nothing is fetched when the page opens: no http(s) URL in any src/href, no external stylesheet or script. */
    static void selfContained(String html) {
        Matcher m = Pattern.compile("(?i)(src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
        while (m.find()) {
            assertTrue(m.group(2).startsWith("data:") || m.group(2).startsWith("#"), "external reference: "
                    + m.group(0));
        }
        assertFalse(html.contains("<link"), "no linked resources");
        assertFalse(html.contains("@import"), "no imported CSS");
        assertFalse(html.contains("url("), "no CSS urls");
    }

    static byte[] dataUri(String html, String mime) {
        Matcher m = Pattern.compile("data:" + Pattern.quote(mime) + ";base64,([A-Za-z0-9+/=]+)").matcher(html);
        assertTrue(m.find(), "a " + mime + " data URI");
        return Base64.getDecoder().decode(m.group(1));
    }
}
