package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.model.TestBatches;

/**
 * Twenty consecutive small trials in one JVM (each its own manager, segments of two epochs with a
 * checkpoint and a resume) must not make the process grow: native memory is owned per trial.
 */
@Tag("slow")
class MemoryGrowthTest {
    @TempDir
    Path dir;

    @Test
    void residentMemoryDoesNotGrowOverTwentyTrials() throws Exception {
        TrainingData data = new TrainingData(TestData.random(4, 4, 20, 16, 1, 5), TestData.random(1, 4, 20, 16, 1, 6),
                20, 16);
        List<Long> rss = new ArrayList<>();
        for (int trial = 0; trial < 20; trial++) {
            TrainingSettings t = TestData.training(1000 + trial);
            Path a = dir.resolve("t" + trial + "a.ckpt");
            SegmentTrainer.runOrThrow(new TrainingSegment(TestBatches.tiny(), t, Device.cpu(), 0, 1, Optional.empty(),
                    a, Optional.empty()), data);
            SegmentTrainer.runOrThrow(new TrainingSegment(TestBatches.tiny(), t, Device.cpu(), 1, 2, Optional.of(a),
                    dir.resolve("t" + trial + "b.ckpt"), Optional.empty()), data);
            System.gc();
            Thread.sleep(200);
            rss.add(MemoryProbe.rss());
        }
        long mib = 1 << 20;
        StringBuilder sb = new StringBuilder("RSS after each trial (MiB):");
        for (long r : rss) {
            sb.append(' ').append(r / mib);
        }
        long growth = rss.get(19) - rss.get(4);
        sb.append(String.format("; growth trial 5 -> 20: %.1f MiB", growth / (double) mib));
        System.out.println(sb);
        assertTrue(growth < 48 * mib, sb.toString());
    }
}
