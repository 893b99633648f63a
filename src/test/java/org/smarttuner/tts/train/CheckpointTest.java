package org.smarttuner.tts.train;

import static org.smarttuner.tts.train.FileDamage.flipByte;
import static org.smarttuner.tts.train.FileDamage.names;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.model.TestBatches;

class CheckpointTest {
    private static final Device CPU = Device.cpu();

    @TempDir
    Path dir;

    /** A small checkpoint whose arrays fill most of the file, as a real one's do. */
    static Checkpoint sample(NDManager m) {
        Map<String, NDArray> w = new LinkedHashMap<>();
        w.put("encoder.embedding.weight", m.arange(0f, 4000f).reshape(40, 100));
        w.put("decoder.bias", m.arange(0f, 64f));
        Map<String, NDArray> o = new LinkedHashMap<>();
        o.put("adam.m.encoder.embedding.weight", m.ones(new ai.djl.ndarray.types.Shape(40, 100)).mul(0.5f));
        o.put("adam.v.encoder.embedding.weight", m.zeros(new ai.djl.ndarray.types.Shape(40, 100)));
        return new Checkpoint(3, 120, 99, 20, 10, "ModelSettings[tiny]", w, o);
    }

    static Path written(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            sample(m).write(file);
        }
        return file;
    }

    @Test
    void aWrittenCheckpointReadsBackWholeAndCarriesItsLengthAndChecksum() throws Exception {
        Path file = written(dir, "epoch-3.ckpt");
        ByteBuffer head = ByteBuffer.wrap(Arrays.copyOf(Files.readAllBytes(file), 20));
        assertEquals(0x53544350, head.getInt(0));
        assertEquals(2, head.getInt(4), "format version");
        assertEquals(Files.size(file) - 20, head.getLong(8), "body length");
        assertEquals(List.of("epoch-3.ckpt"), names(dir), "no temporary file is left");
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Checkpoint want = sample(m);
            Checkpoint got = Checkpoint.read(file, m);
            assertEquals(List.of(want.epoch(), want.step(), want.seed(), want.nSymbols(), want.nMels()),
                    List.of(got.epoch(), got.step(), got.seed(), got.nSymbols(), got.nMels()));
            assertEquals(want.modelSettings(), got.modelSettings());
            assertEquals(List.copyOf(want.weights().keySet()), List.copyOf(got.weights().keySet()));
            assertEquals(List.copyOf(want.optimizer().keySet()), List.copyOf(got.optimizer().keySet()));
            for (Map.Entry<String, NDArray> e : want.weights().entrySet()) {
                assertTrue(e.getValue().contentEquals(got.weights().get(e.getKey())), e.getKey());
            }
            for (Map.Entry<String, NDArray> e : want.optimizer().entrySet()) {
                assertTrue(e.getValue().contentEquals(got.optimizer().get(e.getKey())), e.getKey());
            }
        }
        Checkpoint.verify(file);
    }

    @Test
    void oneChangedByteInTheMiddleIsADamagedCheckpointNamingTheFile() throws Exception {
        Path file = written(dir, "epoch-3.ckpt");
        long size = Files.size(file);
        flipByte(file, size / 2);
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                    () -> Checkpoint.read(file, m));
            String msg = e.getMessage();
            assertEquals(file.toString(), e.file());
            assertTrue(msg.startsWith("checkpoint " + file + " is damaged: its contents do not match their checksum"),
                    msg);
            assertTrue(msg.matches(".*checksum \\(CRC32C\\) expected [0-9a-f]{8}, actual [0-9a-f]{8}.*"), msg);
            assertTrue(msg.contains("size expected " + size + " bytes, actual " + size + " bytes"), msg);
            assertTrue(msg.contains("resume the trial from an earlier checkpoint or start it again"), msg);
        }
        assertThrows(DamagedCheckpointException.class, () -> Checkpoint.verify(file));
    }

    @Test
    void aTruncatedCheckpointIsDamagedNotAnEndOfFile() throws Exception {
        Path file = written(dir, "epoch-3.ckpt");
        long size = Files.size(file);
        for (long keep : new long[] {size - 1, size / 2, 12, 3, 0}) {
            Path cut = dir.resolve("cut-" + keep + ".ckpt");
            Files.write(cut, Arrays.copyOf(Files.readAllBytes(file), (int) keep));
            try (NDManager m = NDManager.newBaseManager(CPU)) {
                DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                        () -> Checkpoint.read(cut, m), "cut to " + keep + " bytes");
                assertTrue(e.getMessage().startsWith("checkpoint " + cut + " is damaged: it is truncated"),
                        e.getMessage());
                assertTrue(e.getMessage().contains("actual " + keep + " bytes"), e.getMessage());
                if (keep >= 20) {
                    assertTrue(e.getMessage().contains("size expected " + size + " bytes"), e.getMessage());
                }
            }
        }
    }

    @Test
    void aLeftoverTemporaryFileFromAKilledWriterBreaksNeitherTheNextWriteNorARead() throws Exception {
        Path file = written(dir, "epoch-3.ckpt");
        // What a writer killed before its rename leaves: a part-written temporary file beside the target.
        byte[] half = Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) / 2);
        Path leftover = dir.resolve("epoch-3.ckpt." + UUID.randomUUID() + ".tmp");
        Files.write(leftover, half);
        written(dir, "epoch-3.ckpt");
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            assertEquals(3, Checkpoint.read(file, m).epoch());
        }
        assertArrayEquals(half, Files.readAllBytes(leftover), "another writer's file is not touched");
        assertEquals(2, names(dir).size(), names(dir).toString());
    }

    @Test
    void aFailedWriteLeavesThePreviousCheckpointAndNoTemporaryFile() throws Exception {
        Path file = written(dir, "epoch-3.ckpt");
        byte[] before = Files.readAllBytes(file);
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Checkpoint c = sample(m);
            c.optimizer().values().iterator().next().close(); // encoding a released array throws mid-write
            assertThrows(RuntimeException.class, () -> c.write(file));
        }
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of("epoch-3.ckpt"), names(dir));
    }

    @Test
    void aFormatVersion1CheckpointStillLoadsWithoutAChecksumAndIsDamagedWhenCutOff() throws Exception {
        // Version 1 is version 2 without the body length and checksum: magic, version 1, body.
        byte[] v2 = Files.readAllBytes(written(dir, "v2.ckpt"));
        byte[] v1 = new byte[v2.length - 12];
        ByteBuffer.wrap(v1).putInt(0x53544350).putInt(1).put(v2, 20, v2.length - 20);
        Path old = dir.resolve("v1.ckpt");
        Files.write(old, v1);
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            Checkpoint c = Checkpoint.read(old, m);
            assertEquals(3, c.epoch());
            assertTrue(sample(m).weights().get("decoder.bias").contentEquals(c.weights().get("decoder.bias")));
            Path cut = dir.resolve("v1-cut.ckpt");
            Files.write(cut, Arrays.copyOf(v1, v1.length / 2));
            DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                    () -> Checkpoint.read(cut, m));
            assertTrue(e.getMessage().startsWith("checkpoint " + cut + " is damaged: its contents do not decode"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("format version 1 (no checksum)"), e.getMessage());
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsSaidSoAndAnUnknownVersionIsNotCalledDamage() throws Exception {
        Path junk = dir.resolve("junk.ckpt");
        Files.writeString(junk, "not a checkpoint at all");
        try (NDManager m = NDManager.newBaseManager(CPU)) {
            IOException e = assertThrows(IOException.class, () -> Checkpoint.read(junk, m));
            assertFalse(e instanceof DamagedCheckpointException);
            assertTrue(e.getMessage().startsWith(junk + " is not a Smart Tuner checkpoint (wrong magic number"),
                    e.getMessage());
            Path future = dir.resolve("v9.ckpt");
            byte[] bytes = Files.readAllBytes(written(dir, "v2.ckpt"));
            ByteBuffer.wrap(bytes).putInt(4, 9);
            Files.write(future, bytes);
            IOException v = assertThrows(IOException.class, () -> Checkpoint.read(future, m));
            assertFalse(v instanceof DamagedCheckpointException);
            assertTrue(v.getMessage().contains("format version 9; this build reads 1 and 2"), v.getMessage());
        }
    }

    @Test
    void aDamagedCheckpointStopsTheSegmentBeforeTrainingWithTheDamageFindable() throws Exception {
        Path file = written(dir, "epoch-1.ckpt");
        flipByte(file, Files.size(file) / 2);
        TrainingSegment seg = new TrainingSegment(TestBatches.tiny(), TestData.training(99), CPU, 1, 2,
                Optional.of(file), dir.resolve("epoch-2.ckpt"), Optional.empty());
        TrainingData data = new TrainingData(TestData.random(1, 2, 20, 10, 1, 11), TestData.random(1, 2, 20, 10, 1, 12),
                20, 10);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SegmentTrainer.run(seg, data));
        DamagedCheckpointException d = DamagedCheckpointException.in(e).orElseThrow();
        assertEquals(file.toString(), d.file());
        assertFalse(Files.exists(dir.resolve("epoch-2.ckpt")));
        assertTrue(DamagedCheckpointException.in(new IllegalStateException("x", new IOException("y"))).isEmpty());
    }
}
