package org.smarttuner.tts.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.audio.Audio;
import org.smarttuner.tts.audio.WavReader;
import org.smarttuner.tts.text.TextEncoder;

class EspeakCorpusTest {
    @Test
    void missingProgramSaysHowToInstallIt(@TempDir Path tmp) {
        EspeakCorpus c = new EspeakCorpus(1, 22050, "espeak-ng-that-is-not-installed");
        IOException e = assertThrows(IOException.class, () -> c.write(tmp, 2));
        assertTrue(e.getMessage().contains("espeak-ng-that-is-not-installed")
                && e.getMessage().contains("apt-get install -y espeak-ng sox"), e.getMessage());
    }

    @Test
    void sentencesAreSeededAndEncodeWithoutUnknownCharacters() {
        TextEncoder strict = TextEncoder.of("english", "fail");
        for (int i = 0; i < 300; i++) {
            String s = Sentences.sentence(7, i);
            assertEquals(s, Sentences.sentence(7, i));
            assertTrue(strict.encode(s).ids().length > 10, s);
        }
        List<String> texts = new EspeakCorpus(7, 22050).texts(500);
        assertEquals(500, new java.util.HashSet<>(texts).size(), "distinct");
        assertEquals(texts.subList(0, 100), new EspeakCorpus(7, 22050).texts(100), "a smaller corpus is a prefix");
        assertTrue(!texts.subList(0, 10).equals(new EspeakCorpus(8, 22050).texts(10)), "another seed, other texts");
    }

    /** Needs espeak-ng on the PATH (install.sh installs it); fails, not skips, without it. */
    @Test
    void speaksAFewSentencesAt22050Hz(@TempDir Path tmp) throws IOException {
        new EspeakCorpus(7, 22050).write(tmp, 3);
        List<String> rows = Files.readAllLines(tmp.resolve("metadata.csv"));
        assertEquals(3, rows.size());
        for (int i = 0; i < 3; i++) {
            Audio a = WavReader.read(tmp.resolve("wavs").resolve(EspeakCorpus.id(i) + ".wav"), 22050);
            assertEquals(1, a.channels());
            assertTrue(a.seconds() > 0.5 && a.seconds() < 15, a.seconds() + " s");
            double energy = 0;
            for (float x : a.samples()) {
                energy += x * x;
            }
            assertTrue(energy / a.samples().length > 1e-4, "speech, not silence");
        }
    }
}
