package org.smarttuner.spark;

import static org.smarttuner.tts.train.FileDamage.flipByte;
import static org.smarttuner.tts.train.FileDamage.names;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.train.Checkpoint;
import org.smarttuner.tts.train.DamagedCheckpointException;

class CheckpointsTest {
    @TempDir
    Path dir;

    private final Configuration conf = new Configuration();

    /** A checkpoint of {@code floats} weights (4 bytes each), written locally. */
    static Path checkpoint(Path file, int floats) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> w = new LinkedHashMap<>();
            w.put("w", m.arange(0f, (float) floats).reshape(new Shape(floats / 100, 100)));
            new Checkpoint(2, 40, 7, 20, 10, "tiny", w, Map.of()).write(file);
        }
        return file;
    }

    @Test
    void twoAttemptsUploadingTheSameCheckpointAtOnceBothSucceedAndLeaveItWhole() throws Exception {
        Path local = checkpoint(dir.resolve("out.ckpt"), 2_000_000); // 8 MB: the two copies overlap
        byte[] want = Files.readAllBytes(local);
        Path shared = dir.resolve("shared/trial-3");
        String to = shared.resolve("epoch-4.ckpt").toUri().toString();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<?>> attempts = new ArrayList<>();
                for (String attempt : List.of("attempt-11", "attempt-12")) {
                    attempts.add(pool.submit(() -> {
                        start.await();
                        Checkpoints.upload(local, to, conf, attempt);
                        return null;
                    }));
                }
                for (Future<?> a : attempts) {
                    a.get(); // both succeed
                }
                Path back = dir.resolve("back-" + round + ".ckpt");
                Checkpoints.download(to, back, conf);
                assertArrayEquals(want, Files.readAllBytes(back), "round " + round);
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    assertEquals(2, Checkpoint.read(back, m).epoch());
                }
                assertTrue(names(shared).stream().noneMatch(n -> n.contains(".tmp")), names(shared).toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUploadThatCannotReplaceItsTargetLeavesNoTemporaryFile() throws Exception {
        Path local = checkpoint(dir.resolve("out.ckpt"), 1000);
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(shared.resolve("epoch-4.ckpt/inside")); // a folder where the file should go
        IOException e = assertThrows(IOException.class,
                () -> Checkpoints.upload(local, shared.resolve("epoch-4.ckpt").toUri().toString(), conf));
        assertTrue(e.getMessage().contains("epoch-4.ckpt"), e.getMessage());
        assertEquals(List.of("epoch-4.ckpt"), names(shared));
    }

    @Test
    void aDamagedCheckpointOnSharedStorageIsReportedWithItsRemotePath() throws Exception {
        Path remote = checkpoint(Files.createDirectories(dir.resolve("shared")).resolve("epoch-4.ckpt"), 10_000);
        flipByte(remote, Files.size(remote) / 2);
        String from = remote.toUri().toString();
        Path local = dir.resolve("local/in.ckpt");
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                () -> Checkpoints.download(from, local, conf));
        assertEquals(from, e.file());
        assertTrue(e.getMessage().startsWith("checkpoint " + from + " is damaged: its contents do not match their "
                + "checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("found in its local copy " + local), e.getMessage());
    }

    @Test
    void aDownloadFailingTheFileSystemsOwnChecksumOrNotACheckpointIsDamagedToo() throws Exception {
        Path local = checkpoint(dir.resolve("out.ckpt"), 10_000);
        Path remote = dir.resolve("shared/epoch-4.ckpt");
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(remote.toUri());
        try (org.apache.hadoop.fs.FSDataOutputStream out = p.getFileSystem(conf).create(p)) {
            out.write(Files.readAllBytes(local)); // through the checksummed local file system: with a .crc
        }
        assertTrue(Files.exists(dir.resolve("shared/.epoch-4.ckpt.crc")), names(dir.resolve("shared")).toString());
        flipByte(remote, Files.size(remote) / 2);
        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class,
                () -> Checkpoints.download(remote.toUri().toString(), dir.resolve("in.ckpt"), conf));
        assertTrue(e.getMessage().startsWith("checkpoint " + remote.toUri() + " is damaged: the file system's "
                + "checksum"), e.getMessage());

        Path junk = dir.resolve("shared/epoch-5.ckpt");
        Files.writeString(junk, "not a checkpoint at all");
        DamagedCheckpointException j = assertThrows(DamagedCheckpointException.class,
                () -> Checkpoints.download(junk.toUri().toString(), dir.resolve("in5.ckpt"), conf));
        assertTrue(j.getMessage().contains("it does not read as a checkpoint"), j.getMessage());
        assertEquals(junk.toUri().toString(), j.file());
    }
}
