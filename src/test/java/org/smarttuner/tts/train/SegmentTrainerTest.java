package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.TestBatches;

class SegmentTrainerTest {
    private static final Device CPU = Device.cpu();
    private static final ModelSettings MODEL = TestBatches.tiny();

    @TempDir
    Path dir;

    private static TrainingData data() {
        return new TrainingData(TestData.random(3, 2, 20, 10, 1, 11), TestData.random(1, 2, 20, 10, 1, 12), 20, 10);
    }

    private TrainingSegment segment(int from, int to, Optional<Path> resume, String out) {
        return new TrainingSegment(MODEL, TestData.training(99), CPU, from, to, resume, dir.resolve(out),
                Optional.empty());
    }

    @Test
    void resumingFromACheckpointEqualsTrainingStraight() throws Exception {
        SegmentResult straight = SegmentTrainer.runOrThrow(segment(0, 3, Optional.empty(), "straight.ckpt"), data());
        SegmentResult first = SegmentTrainer.runOrThrow(segment(0, 1, Optional.empty(), "k.ckpt"), data());
        SegmentResult rest = SegmentTrainer.runOrThrow(segment(1, 3, Optional.of(dir.resolve("k.ckpt")), "km.ckpt"),
                data());
        assertEquals(3, straight.epochs().size());
        assertEquals(1, first.epochs().size());
        assertEquals(2, rest.epochs().size());
        assertEquals(straight.epochs().get(0).trainLoss(), first.epochs().get(0).trainLoss());
        for (int i = 0; i < 2; i++) {
            EpochMetrics a = straight.epochs().get(i + 1);
            EpochMetrics b = rest.epochs().get(i);
            assertEquals(a.epoch(), b.epoch());
            assertEquals(a.trainLoss(), b.trainLoss(), "train loss of epoch " + a.epoch());
            assertEquals(a.valLoss(), b.valLoss(), "val loss of epoch " + a.epoch());
            assertEquals(a.attentionSharpness(), b.attentionSharpness());
        }
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Checkpoint s = Checkpoint.read(dir.resolve("straight.ckpt"), m);
            Checkpoint r = Checkpoint.read(dir.resolve("km.ckpt"), m);
            assertEquals(3, r.epoch());
            assertEquals(s.step(), r.step());
            assertEquals(s.weights().keySet(), r.weights().keySet());
            for (Map.Entry<String, NDArray> e : s.weights().entrySet()) {
                assertTrue(e.getValue().contentEquals(r.weights().get(e.getKey())), e.getKey() + " differs");
            }
            for (Map.Entry<String, NDArray> e : s.optimizer().entrySet()) {
                assertTrue(e.getValue().contentEquals(r.optimizer().get(e.getKey())), e.getKey() + " differs");
            }
        }
    }

    private TrainingSegment segment(int from, int to, Optional<Path> resume, String out, TargetStop stop) {
        return new TrainingSegment(MODEL, TestData.training(99), CPU, from, to, resume, dir.resolve(out),
                Optional.empty(), Optional.of(stop));
    }

    private static int checkpointEpoch(Path file) throws Exception {
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            return Checkpoint.read(file, m).epoch();
        }
    }

    @Test
    void anUnreachableTargetTrainsTheWholeSegment() throws Exception {
        SegmentResult r = SegmentTrainer.runOrThrow(segment(0, 3, Optional.empty(), "all.ckpt",
                TargetStop.of("val_loss", "minimize", -1.0)), data());
        assertEquals(3, r.epochs().size());
        assertFalse(r.reachedTarget());
        assertEquals(3, checkpointEpoch(dir.resolve("all.ckpt")));
    }

    @Test
    void aReachedTargetEndsTheSegmentAtThatEpochWithAResumableCheckpoint() throws Exception {
        SegmentResult straight = SegmentTrainer.runOrThrow(segment(0, 3, Optional.empty(), "straight.ckpt"), data());
        double first = straight.epochs().get(0).valLoss();
        double second = straight.epochs().get(1).valLoss();
        assertTrue(second < first, "the validation loss falls from epoch 1 to 2: " + straight.epochs());
        SegmentResult stopped = SegmentTrainer.runOrThrow(segment(0, 3, Optional.empty(), "stopped.ckpt",
                TargetStop.of("val_loss", "minimize", second)), data());
        assertTrue(stopped.reachedTarget(), stopped.toString());
        assertEquals(2, stopped.epochs().size(), "ends after the first epoch at or below the target");
        assertEquals(2, stopped.last().orElseThrow().epoch());
        assertEquals(second, stopped.last().orElseThrow().valLoss());
        assertEquals(Optional.of(dir.resolve("stopped.ckpt").toString()), stopped.checkpoint());
        assertEquals(2, checkpointEpoch(dir.resolve("stopped.ckpt")), "the checkpoint is at the epoch reached");
        // It resumes like any checkpoint: the third epoch equals the straight run's.
        SegmentResult rest = SegmentTrainer.runOrThrow(segment(2, 3, Optional.of(dir.resolve("stopped.ckpt")),
                "rest.ckpt"), data());
        assertEquals(straight.epochs().get(2), withoutTimes(rest.epochs().get(0), straight.epochs().get(2)));
        // The flag survives the trip to the driver.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(stopped);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertTrue(((SegmentResult) in.readObject()).reachedTarget());
        }
    }

    /** {@code e} with the timing and memory figures of {@code like}, which differ from run to run. */
    private static EpochMetrics withoutTimes(EpochMetrics e, EpochMetrics like) {
        return new EpochMetrics(e.epoch(), e.trainLoss(), e.valLoss(), e.valMelLoss(), e.valMelPostnetLoss(),
                e.valGateLoss(), e.attentionSharpness(), e.voice(), e.learningRate(), like.framesPerSecond(), like.seconds(),
                like.peakRssBytes(), like.gpuMemoryBytes());
    }

    @Test
    void aMaximizedTargetStopsAtOrAboveIt() throws Exception {
        // Alignment scores lie in (0, 1]: 0 is reached by the first epoch when maximizing, and never by a
        // minimizing rule; 1.5 is never reached.
        SegmentResult up = SegmentTrainer.runOrThrow(segment(0, 2, Optional.empty(), "up.ckpt",
                TargetStop.of("attention_sharpness", "maximize", 0.0)), data());
        assertTrue(up.reachedTarget());
        assertEquals(1, up.epochs().size());
        assertEquals(1, checkpointEpoch(dir.resolve("up.ckpt")));
        SegmentResult never = SegmentTrainer.runOrThrow(segment(1, 2, Optional.of(dir.resolve("up.ckpt")),
                "never.ckpt", TargetStop.of("attention_sharpness", "maximize", 1.5)), data());
        assertFalse(never.reachedTarget());
        assertEquals(2, checkpointEpoch(dir.resolve("never.ckpt")));
    }

    @Test
    void aResumedSessionOwnsItsArraysInsteadOfSharingTheCheckpointsMemory() throws Exception {
        // The arrays read from a checkpoint live in Java direct buffers that die with their manager. A
        // session that shared their storage (a same-device toDevice is not a copy in the PyTorch engine)
        // would later read and write freed memory; here the sharing is made visible by overwriting them.
        SegmentTrainer.runOrThrow(segment(0, 1, Optional.empty(), "k.ckpt"), data());
        try (NDManager trial = NDManager.newBaseManager(CPU)) {
            TrainingSession session;
            try (NDManager load = trial.newSubManager(CPU)) {
                Checkpoint read = Checkpoint.read(dir.resolve("k.ckpt"), load);
                session = TrainingSession.resume(MODEL, TestData.training(99), read, trial, CPU);
                read.weights().values().forEach(a -> a.muli(0).addi(7f));
                read.optimizer().values().forEach(a -> a.muli(0).addi(7f));
            }
            try (NDManager check = trial.newSubManager(CPU)) {
                Checkpoint original = Checkpoint.read(dir.resolve("k.ckpt"), check);
                Checkpoint now = session.checkpoint(1, check);
                assertFalse(original.optimizer().isEmpty());
                for (Map.Entry<String, NDArray> e : original.weights().entrySet()) {
                    assertTrue(e.getValue().contentEquals(now.weights().get(e.getKey())),
                            e.getKey() + " shares memory with the checkpoint it was read from");
                }
                for (Map.Entry<String, NDArray> e : original.optimizer().entrySet()) {
                    assertTrue(e.getValue().contentEquals(now.optimizer().get(e.getKey())),
                            e.getKey() + " shares memory with the checkpoint it was read from");
                }
            }
        }
    }

    @Test
    void nonFiniteLossStopsTheTrialWithAReason() {
        BatchSource good = TestData.random(2, 2, 20, 10, 1, 3);
        BatchSource poisoned = new BatchSource() {
            @Override
            public int batchCount() {
                return 2;
            }

            @Override
            public Batch batch(long passSeed, int index, NDManager manager, Device device) {
                Batch b = good.batch(passSeed, index, manager, device);
                if (index == 1) {
                    b.mel().set(new ai.djl.ndarray.index.NDIndex("0, 0, 0"), Float.NaN);
                }
                return b;
            }
        };
        SegmentResult r = SegmentTrainer.run(segment(0, 2, Optional.empty(), "nan.ckpt"),
                new TrainingData(poisoned, good, 20, 10));
        assertFalse(r.ok());
        assertTrue(r.failure().orElseThrow().contains("non-finite training loss"), r.failure().orElseThrow());
        assertTrue(r.failure().orElseThrow().contains("epoch 1"), r.failure().orElseThrow());
        assertTrue(r.checkpoint().isEmpty());
        assertFalse(Files.exists(dir.resolve("nan.ckpt")));
    }

    @Test
    void resultIsSerializable() throws Exception {
        SegmentResult r = SegmentTrainer.runOrThrow(segment(0, 1, Optional.empty(), "s.ckpt"), data());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            SegmentResult back = (SegmentResult) in.readObject();
            assertEquals(r.epochs(), back.epochs());
            assertEquals(r.checkpoint(), back.checkpoint());
        }
        EpochMetrics e = r.epochs().get(0);
        assertTrue(e.framesPerSecond() > 0 && e.peakRssBytes() > 0 && Double.isFinite(e.valLoss()));
        assertTrue(e.attentionSharpness() > 0 && e.attentionSharpness() <= 1);
    }

    @Test
    void aCheckpointOfAnotherEpochOrModelIsRefused() {
        SegmentTrainer.runOrThrow(segment(0, 1, Optional.empty(), "one.ckpt"), data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SegmentTrainer.run(segment(2, 3, Optional.of(dir.resolve("one.ckpt")), "x.ckpt"), data()));
        assertTrue(e.getMessage().contains("is at epoch 1"), e.getMessage());
        TrainingSegment other = new TrainingSegment(TestBatches.withFramesPerStep(MODEL, 2), TestData.training(99), CPU,
                1, 2, Optional.of(dir.resolve("one.ckpt")), dir.resolve("y.ckpt"), Optional.empty());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> SegmentTrainer.run(other, data()));
        assertTrue(e2.getMessage().contains("other model settings"), e2.getMessage());
    }

    @Test
    void aMissingOrForeignCheckpointIsAClearError() throws Exception {
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> SegmentTrainer.run(segment(1, 2, Optional.of(dir.resolve("absent.ckpt")), "z.ckpt"), data()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Files.writeString(dir.resolve("junk.ckpt"), "not a checkpoint at all");
        java.io.UncheckedIOException e2 = assertThrows(java.io.UncheckedIOException.class,
                () -> SegmentTrainer.run(segment(1, 2, Optional.of(dir.resolve("junk.ckpt")), "z.ckpt"), data()));
        assertTrue(e2.getMessage().contains("not a Smart Tuner checkpoint"), e2.getMessage());
    }

    @Test
    void segmentBoundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> segment(2, 2, Optional.empty(), "a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> segment(1, 2, Optional.empty(), "a"));
        assertTrue(e.getMessage().contains("needs the checkpoint"), e.getMessage());
    }

    @Test
    void secondConcurrentTrainingIsRefused() {
        try (TrainingGuard g = TrainingGuard.acquire("trial 7")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SegmentTrainer.run(segment(0, 1, Optional.empty(), "g.ckpt"), data()));
            assertTrue(e.getMessage().contains("trial 7 is already training"), e.getMessage());
        }
        assertTrue(SegmentTrainer.run(segment(0, 1, Optional.empty(), "g.ckpt"), data()).ok());
    }
}
