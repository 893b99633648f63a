package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a resumed trial needs to continue exactly: weights and batch-norm statistics, the
 * optimizer's moments and step count, completed epochs, and the RNG state. The RNG state is the
 * trial seed: the trainer reseeds the engine and the batch order from (seed, epoch) at the start of
 * every epoch, so (seed, epochs done) determines every later random draw.
 *
 * <p>File (format version 2): magic, format version, body length (long), the body's CRC32C (int),
 * then the body: header fields, names, and the arrays in DJL's NDList encoding. Version 1 had no
 * length and no checksum; such files still load, without the check.
 *
 * <p>CRC32C, not SHA-256: the damage to catch is accidental (a copy cut off, a write lost in a
 * crash, a flipped bit on a disk), not tampering. CRC32C detects every error burst up to 32 bits
 * and misses random damage with a chance of 1 in 2^32, and the JDK computes it with the CPU's own
 * instruction, so it adds a fraction of a second to a checkpoint of a few hundred megabytes where
 * SHA-256 would add seconds to every segment's write and read.
 *
 * <p>Writes are crash-safe and never clash: each write goes to a temporary file of its own in the
 * target's folder, is forced to disk, and is renamed over the target, and the folder is forced
 * too where the platform allows, so a reader sees the old file or the new one, whole.
 */
public record Checkpoint(int epoch, long step, long seed, int nSymbols, int nMels, String modelSettings,
        Map<String, NDArray> weights, Map<String, NDArray> optimizer) {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final int MAGIC = 0x53544350; // "STCP"
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_CHECKSUM = 1;
    /** Magic and version: all that version 1 has before the body. */
    private static final int PREFIX_BYTES = 8;
    /** Magic, version, body length, CRC32C. */
    private static final int HEADER_BYTES = PREFIX_BYTES + 8 + 4;
    private static final int BUFFER_BYTES = 1 << 16;
    private static final AtomicBoolean WARNED_WITHOUT_CHECKSUM = new AtomicBoolean();

    public void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // A name of its own: two writers of the same checkpoint (a retried or speculative task, a
        // zombie executor) never write into each other's file, and a killed writer's leftover is
        // never reused.
        Path tmp = dir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.position(HEADER_BYTES);
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        new CheckedOutputStream(Channels.newOutputStream(ch), crc), BUFFER_BYTES));
                writeBody(out);
                out.flush();
                long bodyLength = ch.position() - HEADER_BYTES;
                ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(VERSION)
                        .putLong(bodyLength).putInt((int) crc.getValue()).flip();
                while (header.hasRemaining()) {
                    ch.write(header, header.position());
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        forceDirectory(dir);
    }

    private void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(epoch);
        out.writeLong(step);
        out.writeLong(seed);
        out.writeInt(nSymbols);
        out.writeInt(nMels);
        out.writeUTF(modelSettings);
        out.writeInt(weights.size());
        out.writeInt(optimizer.size());
        NDList arrays = new NDList();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            out.writeUTF(e.getKey());
            arrays.add(e.getValue());
        }
        for (Map.Entry<String, NDArray> e : optimizer.entrySet()) {
            out.writeUTF(e.getKey());
            arrays.add(e.getValue());
        }
        arrays.encode(out);
    }

    /** Makes the rename durable: a new directory entry is only on disk once its folder is. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a folder; there the rename is as durable as they make it.
            LOG.debug("cannot force the folder {} to disk: {}", dir, e.toString());
        }
    }

    /** Reads a checkpoint; its arrays are created in {@code manager} (on the CPU). */
    public static Checkpoint read(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = open(file)) {
            // Checked before anything is decoded: damaged array shapes could ask for any amount of memory.
            int bodyOffset = check(file, ch);
            ch.position(bodyOffset);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch),
                    BUFFER_BYTES));
            try {
                return readBody(file, in, manager);
            } catch (DamagedCheckpointException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // Only a version 1 file gets here damaged (a version 2 one passed its checksum), most often cut off.
                throw new DamagedCheckpointException(file.toString(), "its contents do not decode (" + e
                        + "); size " + ch.size() + " bytes, format version " + (bodyOffset == PREFIX_BYTES
                        ? VERSION_WITHOUT_CHECKSUM + " (no checksum)" : VERSION), e);
            }
        }
    }

    /**
     * Checks a checkpoint's length and checksum without decoding it (no NDManager needed). Throws
     * {@link DamagedCheckpointException} when it is damaged; a version 1 file passes unchecked.
     */
    public static void verify(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            check(file, ch);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint " + file + " does not exist or is not a file");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** Checks the header, length and checksum; returns where the body starts. */
    private static int check(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
            // read the header, or as much of it as the file has
        }
        if (size < PREFIX_BYTES) {
            // Empty or nearly: what a crash leaves of a file whose data never reached the disk.
            throw new DamagedCheckpointException(file.toString(), "it is truncated before its format version; "
                    + "size expected at least " + PREFIX_BYTES + " bytes, actual " + size + " bytes");
        }
        if (header.getInt(0) != MAGIC) {
            throw new IOException(String.format(Locale.ROOT, "%s is not a Smart Tuner checkpoint (wrong magic number "
                    + "%08x, expected %08x)", file, header.getInt(0), MAGIC));
        }
        int version = header.getInt(4);
        if (version == VERSION_WITHOUT_CHECKSUM) {
            if (WARNED_WITHOUT_CHECKSUM.compareAndSet(false, true)) {
                LOG.warn("checkpoint {} is in format version {}, which has no checksum: it is read without an "
                        + "integrity check (checkpoints written from now on have one; said once)", file, version);
            }
            return PREFIX_BYTES;
        }
        if (version != VERSION) {
            throw new IOException("checkpoint " + file + " has format version " + version + "; this build reads "
                    + VERSION_WITHOUT_CHECKSUM + " and " + VERSION);
        }
        if (size < HEADER_BYTES) {
            throw new DamagedCheckpointException(file.toString(), "it is truncated inside its header; size expected "
                    + "at least " + HEADER_BYTES + " bytes, actual " + size + " bytes");
        }
        long expectedSize = HEADER_BYTES + header.getLong(8);
        int expected = header.getInt(16);
        int actual = crc32c(ch, HEADER_BYTES, size);
        if (expectedSize != size || expected != actual) {
            String what = expectedSize > size ? "it is truncated" : expectedSize < size ? "it is longer than its "
                    + "header says" : "its contents do not match their checksum";
            throw new DamagedCheckpointException(file.toString(), String.format(Locale.ROOT,
                    "%s; checksum (CRC32C) expected %08x, actual %08x; size expected %d bytes, actual %d bytes", what,
                    expected, actual, expectedSize, size));
        }
        return HEADER_BYTES;
    }

    private static int crc32c(FileChannel ch, long from, long to) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        long pos = from;
        while (pos < to) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            buf.flip();
            crc.update(buf);
            buf.clear();
            pos += n;
        }
        return (int) crc.getValue();
    }

    private static Checkpoint readBody(Path file, DataInputStream in, NDManager manager) throws IOException {
        int epoch = in.readInt();
        long step = in.readLong();
        long seed = in.readLong();
        int nSymbols = in.readInt();
        int nMels = in.readInt();
        String settings = in.readUTF();
        int nw = in.readInt();
        int no = in.readInt();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nw + no; i++) {
            names.add(in.readUTF());
        }
        NDList arrays = NDList.decode(manager, in);
        if (arrays.size() != names.size()) {
            throw new DamagedCheckpointException(file.toString(), names.size() + " names but " + arrays.size()
                    + " arrays");
        }
        Map<String, NDArray> w = new LinkedHashMap<>();
        Map<String, NDArray> o = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            (i < nw ? w : o).put(names.get(i), arrays.get(i));
        }
        return new Checkpoint(epoch, step, seed, nSymbols, nMels, settings, w, o);
    }
}
