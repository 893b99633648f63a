package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
    static MainTest.Run run(String... args) {
        return MainTest.run(args);
    }

    @Test
    void corpusSyntheticWritesLjSpeechLayout(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("syn");
        MainTest.Run r = run("corpus", "synthetic", "--out", out.toString(), "--size", "7", "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote the synthetic corpus: 7 utterances at 22050 Hz"), r.out());
        List<String> rows = Files.readAllLines(out.resolve("metadata.csv"));
        assertEquals(7, rows.size());
        try (var wavs = Files.list(out.resolve("wavs"))) {
            assertEquals(7, wavs.count());
        }
        // running it again over its own output is fine
        assertEquals(0, run("corpus", "synthetic", "--out", out.toString(), "--size", "3").code());
    }

    @Test
    void corpusRefusesBadArgumentsWithExitTwo(@TempDir Path tmp) throws Exception {
        MainTest.Run r = run("corpus", "synthetic", "--out", tmp.toString(), "--size", "0");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("--size must be at least 1"), r.err());
        r = run("corpus", "klingon", "--out", tmp.toString());
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("synthetic") && r.err().contains("espeak"), r.err());
        assertEquals(Main.USAGE_ERROR, run("corpus", "synthetic").code(), "--out is required");
        Path foreign = tmp.resolve("lj");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("metadata.csv"), "LJ001|x|x\n");
        r = run("corpus", "synthetic", "--out", foreign.toString(), "--size", "2");
        assertEquals(Main.USAGE_ERROR, r.code());
        assertTrue(r.err().contains("did not generate") && r.err().contains("--force"), r.err());
        assertEquals("LJ001|x|x\n", Files.readString(foreign.resolve("metadata.csv")), "left untouched");
    }

    @Test
    void prepareReportsOneSummaryLineAndReusesTheCache(@TempDir Path tmp) {
        String path = "data.path=" + tmp.resolve("d");
        MainTest.Run first = run("prepare", "--set", path, "--set", "data.size=12");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("dataset " + tmp.resolve("d") + ": 12 rows, 12 usable"), first.out());
        assertTrue(first.out().contains("features: 0 reused, 12 computed"), first.out());
        MainTest.Run second = run("prepare", "--set", path, "--set", "data.size=12");
        assertTrue(second.out().contains("features: 12 reused, 0 computed"), second.out());
        MainTest.Run changed = run("prepare", "--set", path, "--set", "data.size=12", "--set", "data.audio.n_mels=40");
        assertTrue(changed.out().contains("features: 0 reused, 12 computed"), changed.out());
    }

    @Test
    void prepareFailsClearlyOnAMissingDataset(@TempDir Path tmp) throws Exception {
        Path lj = tmp.resolve("lj");
        Files.createDirectories(lj.resolve("wavs"));
        Files.writeString(lj.resolve("metadata.csv"), "a|hello|\n");
        MainTest.Run r = run("prepare", "--set", "data.corpus=ljspeech", "--set", "data.path=" + lj);
        assertEquals(Main.RUNTIME_ERROR, r.code());
        assertTrue(r.err().contains("no usable rows") && r.err().contains("missing wav 1"), r.err());
        r = run("prepare", "--set", "data.corpus=ljspeech", "--set", "data.path=" + lj, "--set", "data.bad_rows=fail");
        assertEquals(Main.RUNTIME_ERROR, r.code());
        assertTrue(r.err().contains("missing wav") && r.err().contains("bad_rows is fail"), r.err());
    }

    @Test
    void benchDataPrintsEveryFigure() {
        MainTest.Run r = run("bench", "data", "--size", "12", "--epochs", "1", "--batch-size", "4");
        assertEquals(0, r.code(), r.err());
        for (String figure : List.of("s of audio per s", "MB on disk and", "per hour of audio", "batch assembly (B=4, r=2")) {
            assertTrue(r.out().contains(figure), figure + " in " + r.out());
        }
    }
}
