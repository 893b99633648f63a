package org.smarttuner.tts.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.text.Symbols;

class DatasetPreparerTest {
    private static final int GOOD = 4;
    private static final double PINNED_SCORE = 0.4271330735383284;

    @Test
    void preparesTheSyntheticCorpusAndReusesItsFeatures(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("syn");
        DataSettings s = TestData.settings("synthetic", dir, 20);
        PreparedDataset first = DatasetPreparer.prepare(s);
        assertTrue(Files.isRegularFile(dir.resolve("metadata.csv")), "the corpus was generated");
        assertEquals(20, first.report().usable());
        assertEquals(20, first.train().size() + first.validation().size());
        assertTrue(first.validation().size() >= 1);
        assertEquals(Symbols.count(), first.nSymbols());
        assertEquals(80, first.nMels());
        assertEquals(20, first.report().featuresComputed());
        assertEquals(0, first.report().featuresReused());
        Path cacheFile = dir.resolve("features").resolve(FeatureCache.key(TestData.AUDIO)).resolve("mels.bin");
        assertTrue(Files.isRegularFile(cacheFile));
        FileTime written = Files.getLastModifiedTime(cacheFile);

        PreparedDataset second = DatasetPreparer.prepare(s);
        assertEquals(20, second.report().featuresReused());
        assertEquals(0, second.report().featuresComputed());
        assertEquals(written, Files.getLastModifiedTime(cacheFile), "an unchanged cache is not rewritten");
        assertEquals(ids(first.train()), ids(second.train()));
        Utterance a = first.train().items().get(0);
        Utterance b = second.train().items().get(0);
        assertEquals(a.frames(), b.frames());
        assertTrue(java.util.Arrays.equals(a.mel(), b.mel()), "cached mels are bit-identical");

        AudioSettings other = new AudioSettings(22050, 1024, 256, 1024, 40, 0, 8000, 1e-5);
        PreparedDataset changed = DatasetPreparer.prepare(TestData.with(s, other));
        assertEquals(20, changed.report().featuresComputed(), "new audio settings: recomputed");
        assertEquals(40, changed.nMels());
        assertNotEquals(FeatureCache.key(TestData.AUDIO), FeatureCache.key(other));
        assertEquals(20, DatasetPreparer.prepare(s).report().featuresReused(), "the first settings' cache is still there");
    }

    /** The embedded default's limits (max_text_length 40, max_frames 200) keep every synthetic item. */
    @Test
    void syntheticItemsBatchWithinTheDefaultLimits(@TempDir Path tmp) throws IOException {
        DataSettings s = TestData.settings("synthetic", tmp.resolve("syn"), 40);
        DataSettings tight = new DataSettings(s.corpus(), s.path(), s.size(), s.seed(), s.valFraction(), "fail",
                "fail", s.textCleaners(), 40, 200, s.audio());
        PreparedDataset p = DatasetPreparer.prepare(tight);
        assertEquals(40, p.report().usable());
        BatchLoader loader = new BatchLoader(p.train(), 8, 2);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (BatchIndices b : loader.plan(1)) {
                try (Batch batch = loader.assemble(b, m, ai.djl.Device.cpu())) {
                    assertTrue(batch.mel().getShape().get(2) <= 200);
                    assertEquals(80, batch.mel().getShape().get(1));
                    assertTrue(batch.text().getShape().get(1) <= SyntheticCorpus.MAX_SYMBOLS);
                }
            }
        }
    }

    @Test
    void recomputesOnlyAnEditedWav(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("syn");
        DataSettings s = TestData.settings("synthetic", dir, 6);
        DatasetPreparer.prepare(s);
        Path wav = dir.resolve("wavs").resolve(SyntheticCorpus.id(2) + ".wav");
        WavWriter.write(wav, new SyntheticCorpus(99, 22050).render("abc", 0), 22050);
        Files.setLastModifiedTime(wav, FileTime.fromMillis(1_000_000));
        PrepareReport r = DatasetPreparer.prepare(s).report();
        assertEquals(1, r.featuresComputed());
        assertEquals(5, r.featuresReused());
    }

    @Test
    void regeneratesAGeneratedCorpusWhenItsSettingsChange(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("syn");
        DatasetPreparer.prepare(TestData.settings("synthetic", dir, 5));
        PreparedDataset bigger = DatasetPreparer.prepare(TestData.settings("synthetic", dir, 9));
        assertEquals(9, bigger.report().rows());
        assertEquals(5, bigger.report().featuresReused(), "items 0-4 are the same files, same features");
    }

    @Test
    void corruptCacheIsRecomputed(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("syn");
        DataSettings s = TestData.settings("synthetic", dir, 4);
        DatasetPreparer.prepare(s);
        Path cacheFile = new FeatureCache(dir, TestData.AUDIO).file();
        byte[] bytes = Files.readAllBytes(cacheFile);
        Files.write(cacheFile, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        PrepareReport r = DatasetPreparer.prepare(s).report();
        assertEquals(4, r.featuresComputed());
        assertEquals(4, DatasetPreparer.prepare(s).report().featuresReused());
    }

    @Test
    void skipsEveryKindOfBadRowAndCountsThemInOneLine(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("lj");
        writeDataset(dir, List.of(BadRowKind.values()));
        PreparedDataset p = DatasetPreparer.prepare(limits(TestData.settings("ljspeech", dir, 1000)));
        PrepareReport r = p.report();
        assertEquals(GOOD, r.usable());
        Map<BadRowKind, Integer> expected = new EnumMap<>(BadRowKind.class);
        for (BadRowKind k : BadRowKind.values()) {
            expected.put(k, 1);
        }
        assertEquals(expected, r.skipped());
        String line = r.summary();
        assertTrue(line.startsWith("dataset " + dir + ": " + (GOOD + BadRowKind.values().length) + " rows, "
                + GOOD + " usable"), line);
        assertTrue(line.contains("skipped 9 (malformed row 1, duplicate id 1, missing wav 1, unreadable wav 1, "
                + "wrong sample rate 1, audio too short 1, empty text 1, text too long 1, audio too long 1)"), line);
        assertEquals(5, r.examples().size(), "the first few are kept as examples");
        assertTrue(r.examples().get(0).describe().contains("metadata.csv:"), r.examples().get(0).describe());
    }

    @ParameterizedTest
    @EnumSource(BadRowKind.class)
    void failPolicyRefusesEachKindNamingRowAndReason(BadRowKind kind, @TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("lj");
        writeDataset(dir, List.of(kind));
        DataSettings s = TestData.with(limits(TestData.settings("ljspeech", dir, 1000)), "fail");
        BadDataException e = assertThrows(BadDataException.class, () -> DatasetPreparer.prepare(s));
        assertTrue(e.getMessage().contains(kind.label()), e.getMessage());
        assertTrue(e.getMessage().contains("metadata.csv:" + (GOOD + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("bad_rows is fail"), e.getMessage());
        // and the same dataset is fine under skip
        assertEquals(GOOD, DatasetPreparer.prepare(TestData.with(s, "skip")).report().usable());
    }

    @Test
    void nothingUsableIsAnError(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("lj");
        Files.createDirectories(dir.resolve("wavs"));
        Files.writeString(dir.resolve("metadata.csv"), "a|hello|hello\nb||\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> DatasetPreparer.prepare(TestData.settings("ljspeech", dir, 10)));
        assertTrue(e.getMessage().contains("no usable rows") && e.getMessage().contains("missing wav 1")
                && e.getMessage().contains("empty text 1"), e.getMessage());
    }

    @Test
    void unknownCharacterUnderFailNamesTheRow(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("lj");
        writeDataset(dir, List.of());
        Files.writeString(dir.resolve("metadata.csv"), "G0|caf# au lait|\n", java.nio.file.StandardOpenOption.APPEND);
        DataSettings s = TestData.settings("ljspeech", dir, 100);
        DataSettings fail = new DataSettings(s.corpus(), s.path(), s.size(), s.seed(), s.valFraction(), "skip", "fail",
                s.textCleaners(), s.maxTextLength(), s.maxFrames(), s.audio());
        BadDataException e = assertThrows(BadDataException.class, () -> DatasetPreparer.prepare(fail));
        assertTrue(e.getMessage().contains("metadata.csv:" + (GOOD + 1) + " (G0)") && e.getMessage().contains("'#'"),
                e.getMessage());
    }

    @Test
    void missingDatasetFolderOrMetadataIsAClearError(@TempDir Path tmp) {
        IOException e = assertThrows(IOException.class,
                () -> DatasetPreparer.prepare(TestData.settings("ljspeech", tmp.resolve("nope"), 10)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IOException.class, () -> DatasetPreparer.prepare(TestData.settings("ljspeech", tmp, 10)));
        assertTrue(e.getMessage().contains("metadata.csv"), e.getMessage());
    }

    @Test
    void splitIsSeededStableAndIndependentOfOtherRows() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ids.add("LJ001-" + i);
        }
        SplitRule.Sides<String> a = SplitRule.split(ids, x -> x, 7, 0.1);
        List<String> reversed = new ArrayList<>(ids);
        java.util.Collections.reverse(reversed);
        SplitRule.Sides<String> again = SplitRule.split(reversed, x -> x, 7, 0.1);
        assertEquals(new HashSet<>(a.validation()), new HashSet<>(again.validation()), "order does not matter");
        assertEquals(200, a.validation().size(), 40);
        SplitRule.Sides<String> half = SplitRule.split(ids.subList(0, 1000), x -> x, 7, 0.1);
        for (String v : half.validation()) {
            assertTrue(a.validation().contains(v), "removing rows moves no other row");
        }
        SplitRule.Sides<String> other = SplitRule.split(ids, x -> x, 8, 0.1);
        assertNotEquals(new HashSet<>(a.validation()), new HashSet<>(other.validation()));
        SplitRule.Sides<String> two = SplitRule.split(List.of("x", "y"), x -> x, 7, 0.01);
        assertEquals(1, two.train().size());
        assertEquals(1, two.validation().size());
        assertEquals(List.of("x"), SplitRule.split(List.of("x"), x -> x, 7, 0.99).train());
        // the known value pins the rule: a change would silently reshuffle everyone's validation sets
        assertEquals(PINNED_SCORE, SplitRule.score("LJ001-0001", 7));
    }

    /** Limits tight enough that the bad rows below exceed them. */
    private static DataSettings limits(DataSettings s) {
        return new DataSettings(s.corpus(), s.path(), s.size(), s.seed(), s.valFraction(), s.badRows(), s.unknownChars(),
                s.textCleaners(), 40, 250, s.audio());
    }

    /** GOOD good rows, then one bad row of each kind asked for, in that order. */
    static void writeDataset(Path dir, List<BadRowKind> kinds) throws IOException {
        Path wavs = dir.resolve("wavs");
        Files.createDirectories(wavs);
        SyntheticCorpus syn = new SyntheticCorpus(1, 22050);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            String id = "LJ-" + i;
            WavWriter.write(wavs.resolve(id + ".wav"), syn.render(syn.text(i), i), 22050);
            lines.add(id + "|" + "Text number " + i + ".|");
        }
        Set<BadRowKind> seen = new HashSet<>();
        for (BadRowKind k : kinds) {
            assertTrue(seen.add(k));
            String id = "BAD-" + k.ordinal();
            switch (k) {
                case MALFORMED_ROW -> lines.add("a line without fields");
                case DUPLICATE_ID -> lines.add("LJ-0|again|again");
                case MISSING_WAV -> lines.add(id + "|no audio|");
                case UNREADABLE_WAV -> {
                    Files.writeString(wavs.resolve(id + ".wav"), "this is not audio");
                    lines.add(id + "|garbage audio|");
                }
                case WRONG_SAMPLE_RATE -> {
                    WavWriter.write(wavs.resolve(id + ".wav"), new float[16000], 16000);
                    lines.add(id + "|sixteen kilohertz|");
                }
                case AUDIO_TOO_SHORT -> {
                    WavWriter.write(wavs.resolve(id + ".wav"), new float[100], 22050);
                    lines.add(id + "|a click|");
                }
                case EMPTY_TEXT -> {
                    WavWriter.write(wavs.resolve(id + ".wav"), new float[5000], 22050);
                    lines.add(id + "| |");
                }
                case TEXT_TOO_LONG -> {
                    WavWriter.write(wavs.resolve(id + ".wav"), new float[5000], 22050);
                    lines.add(id + "|" + "word ".repeat(20) + "|");
                }
                case AUDIO_TOO_LONG -> {
                    WavWriter.write(wavs.resolve(id + ".wav"), new float[22050 * 3], 22050);
                    lines.add(id + "|three seconds|");
                }
                default -> throw new IllegalStateException(k.name());
            }
        }
        Files.write(dir.resolve("metadata.csv"), lines);
    }

    private static Set<String> ids(DatasetSplit s) {
        Set<String> out = new HashSet<>();
        s.items().forEach(u -> out.add(u.id()));
        return out;
    }
}
