package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.train.RungSample;

/** The rung files an executor makes and the driver keeps until they are uploaded (issue #18 item 5). */
class TrialArtifactsTest {
    static final AudioSettings AUDIO = new AudioSettings(22050, 1024, 256, 1024, 80, 0, 8000, 1e-5);

    @TempDir
    Path dir;

    static RungSample sample(int epoch, int frames) {
        Random r = new Random(epoch);
        float[][] a = new float[frames / 2][20];
        for (int s = 0; s < a.length; s++) {
            a[s][Math.min(19, s * 20 / a.length)] = 1f;
        }
        float[] mel = new float[80 * frames];
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (float) (-6 + r.nextGaussian());
        }
        return new RungSample(epoch, a, a, mel, 80, frames);
    }

    @Test
    void theImagesAndTheSpokenSampleAreValidFilesAndTheSampleIsOptional() throws Exception {
        TrialArtifacts a = TrialArtifacts.of(sample(8, 120), AUDIO, 4, 1);
        assertEquals(java.util.Set.of(TrialArtifacts.ALIGNMENT, TrialArtifacts.FREE_RUNNING, TrialArtifacts.SPOKEN),
                a.files().keySet());
        TuneJobMlflowTest.assertPng(a.files().get(TrialArtifacts.ALIGNMENT));
        TuneJobMlflowTest.assertPng(a.files().get(TrialArtifacts.FREE_RUNNING));
        TuneJobMlflowTest.assertWav(a.files().get(TrialArtifacts.SPOKEN), 22050);

        TrialArtifacts images = TrialArtifacts.of(sample(8, 120), AUDIO, 0, 1);
        assertFalse(images.files().containsKey(TrialArtifacts.SPOKEN), "0 iterations: no spoken sample");
        RungSample noFree = new RungSample(3, sample(3, 40).alignment(), null, null, 0, 0);
        assertEquals(List.of(TrialArtifacts.ALIGNMENT), List.copyOf(TrialArtifacts.of(noFree, AUDIO, 4, 1).files()
                .keySet()));
    }

    @Test
    void theDriverWritesEachRungInItsFolderAndListsThemInOrder() throws Exception {
        Path study = dir.resolve("artifacts/s");
        TrialArtifacts.of(sample(8, 60), AUDIO, 2, 1).write(study, 3);
        TrialArtifacts.of(sample(24, 60), AUDIO, 0, 1).write(study, 3);
        Files.writeString(study.resolve("trial-3/rung-epoch0024/half.png.tmp"), "x"); // a write a kill cut short
        Files.createDirectories(study.resolve("trial-3/notes"));
        List<TrialArtifacts.Rung> all = TrialArtifacts.rungs(study, 3, 0, 24);
        assertEquals(List.of(8, 24), all.stream().map(TrialArtifacts.Rung::epoch).toList());
        assertEquals("rung-epoch0008", all.get(0).name());
        assertEquals(3, all.get(0).files().size());
        assertEquals(2, all.get(1).files().size(), "no .tmp file: " + all.get(1).files());
        assertEquals(List.of(24), TrialArtifacts.rungs(study, 3, 8, 24).stream().map(TrialArtifacts.Rung::epoch)
                .toList());
        assertEquals(List.of(), TrialArtifacts.rungs(study, 4, 0, 99), "a trial without files");
        assertEquals("a_b_c", TrialArtifacts.safe("a/b c"));
        assertEquals("_..", TrialArtifacts.safe(".."));
    }

    @Test
    void badInputsAreRefusedWithTheirReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrialArtifacts(0, java.util.Map.of()));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RungSample(0, new float[1][1], null, null, 0, 0));
    }

    /** What the spoken sample costs an executor per rung (printed; the README quotes it). */
    @Test
    void spokenSampleCost() {
        for (int frames : new int[] {200, 400}) {
            for (int iterations : new int[] {16, 32, 60}) {
                TrialArtifacts.of(sample(1, frames), AUDIO, iterations, 1); // warm up
                long t0 = System.nanoTime();
                int n = 3;
                for (int i = 0; i < n; i++) {
                    TrialArtifacts.of(sample(1, frames), AUDIO, iterations, 1);
                }
                double ms = (System.nanoTime() - t0) / 1e6 / n;
                System.out.printf(Locale.ROOT, "[rung artifacts] %d mel frames (%.1f s of speech), %d Griffin-Lim "
                        + "iterations: %.0f ms%n", frames, frames * 256 / 22050.0, iterations, ms);
            }
        }
        long t0 = System.nanoTime();
        TrialArtifacts.of(sample(1, 200), AUDIO, 0, 1);
        System.out.printf(Locale.ROOT, "[rung artifacts] images only: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    }
}
