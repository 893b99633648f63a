package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.model.TestBatches;
import org.smarttuner.tts.train.TrainingSettings;

class TrialRunnerTest {
    @TempDir
    Path dir;

    private SegmentRequest onDevice(String device) {
        TrainingSettings training = new TrainingSettings(4, 2, "adam", 1e-3, 1e-6, 0.9, 0.999, 1e-6, 1.0, "constant",
                0.5, 10, 4000, 0.0, 0.2, 5.0, 99, 1, 0, 2.0, 4);
        return new SegmentRequest("study", 3, 0, 0, Map.of(), TestBatches.tiny(), training, null, 0, 2, null,
                dir.resolve("shared").toUri().toString(), 1, device, null);
    }

    /** A GPU Spark assigned that this executor's libtorch cannot use: the trial's error says what is missing. */
    @Test
    void aGpuTheEngineCannotUseIsAClearErrorOrTheCpuWhenAuto() {
        org.smarttuner.tts.torch.CudaProbe.CudaInfo cuda = org.smarttuner.tts.torch.CudaProbe.probe();
        org.junit.jupiter.api.Assumptions.assumeTrue(cuda.devices() == 0, "this machine has a usable GPU");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrialRunner.device(onDevice("gpu"), Optional.of("0")));
        assertEquals("Spark assigned GPU 0 but this executor cannot use it: " + cuda.problem(), e.getMessage());
        assertTrue(cuda.problem().contains("built without CUDA") || cuda.problem().contains("no usable GPU"),
                cuda.problem());
        assertEquals(ai.djl.Device.cpu(), TrialRunner.device(onDevice("auto"), Optional.of("0")));
        IllegalStateException noGpu = assertThrows(IllegalStateException.class,
                () -> TrialRunner.device(onDevice("gpu"), Optional.empty()));
        assertTrue(noGpu.getMessage().contains("Spark assigned no GPU"), noGpu.getMessage());
    }

    private SegmentRequest resumingFrom(String checkpoint) {
        TrainingSettings training = new TrainingSettings(4, 2, "adam", 1e-3, 1e-6, 0.9, 0.999, 1e-6, 1.0, "constant",
                0.5, 10, 4000, 0.0, 0.2, 5.0, 99, 1, 0, 2.0, 4);
        // No dataset: a segment whose checkpoint is damaged must end before it loads one.
        return new SegmentRequest("study", 3, 1, 0, Map.of(), TestBatches.tiny(), training, null, 2, 4, checkpoint,
                dir.resolve("shared").toUri().toString(), 0, "cpu");
    }

    @Test
    void aDamagedResumeCheckpointEndsTheSegmentWithAnOutcomeTheDriverRecognises() throws Exception {
        Path remote = CheckpointsTest.checkpoint(Files.createDirectories(dir.resolve("shared")).resolve("epoch-2.ckpt"),
                10_000);
        org.smarttuner.tts.train.FileDamage.flipByte(remote, Files.size(remote) / 2);
        Path empty = Files.createFile(dir.resolve("shared/empty.ckpt")); // what a crash before any data leaves
        for (Path bad : List.of(remote, empty)) {
            String from = bad.toUri().toString();
            SegmentOutcome o = new TrialRunner().run(resumingFrom(from));
            assertEquals(Optional.of(from), o.damagedCheckpointPath());
            String error = o.errorMessage().orElseThrow();
            assertTrue(error.startsWith("checkpoint " + from + " is damaged: "), error);
            assertTrue(o.epochs().isEmpty() && o.checkpointPath().isEmpty() && o.failureReason().isEmpty());
            assertEquals(3, o.number());
            assertEquals(1, o.segment());
        }
    }

    @Test
    void aMissingCheckpointIsStillAnIoFailureThatSparkRetries() {
        String gone = dir.resolve("shared/epoch-2.ckpt").toUri().toString();
        assertThrows(IOException.class, () -> new TrialRunner().run(resumingFrom(gone)));
    }

    @Test
    void anOutcomeWithoutADamagedCheckpointSaysNone() {
        SegmentOutcome o = new SegmentOutcome("s", 1, 0, List.of(), null, null, "IllegalArgumentException: x", "e",
                "h", null, 0, 1);
        assertTrue(o.damagedCheckpointPath().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new SegmentOutcome("s", 1, 0, List.of(), null, null, null,
                "e", "h", null, 0, 1, "file:/x"));
    }
}
