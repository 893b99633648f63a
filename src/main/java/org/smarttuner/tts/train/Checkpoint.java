package org.smarttuner.tts.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a resumed trial needs to continue exactly: weights and batch-norm statistics, the
 * optimizer's moments and step count, completed epochs, and the RNG state. The RNG state is the
 * trial seed: the trainer reseeds the engine and the batch order from (seed, epoch) at the start of
 * every epoch, so (seed, epochs done) determines every later random draw.
 *
 * <p>File: magic, format version, header fields, names, then the arrays in DJL's NDList encoding.
 * Written to a temporary file and moved into place, so a crash never leaves a torn checkpoint.
 */
public record Checkpoint(int epoch, long step, long seed, int nSymbols, int nMels, String modelSettings,
        Map<String, NDArray> weights, Map<String, NDArray> optimizer) {
    private static final int MAGIC = 0x53544350; // "STCP"
    private static final int VERSION = 1;

    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp));
                    DataOutputStream out = new DataOutputStream(os)) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
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
                out.flush();
                arrays.encode(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a checkpoint; its arrays are created in {@code manager} (on the CPU). */
    public static Checkpoint read(Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint " + file + " does not exist or is not a file");
        }
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file));
                DataInputStream in = new DataInputStream(is)) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a Smart Tuner checkpoint (wrong magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint " + file + " has format version " + version + "; this build reads "
                        + VERSION);
            }
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
                throw new IOException("checkpoint " + file + " is damaged: " + names.size() + " names but "
                        + arrays.size() + " arrays");
            }
            Map<String, NDArray> w = new LinkedHashMap<>();
            Map<String, NDArray> o = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                (i < nw ? w : o).put(names.get(i), arrays.get(i));
            }
            return new Checkpoint(epoch, step, seed, nSymbols, nMels, settings, w, o);
        }
    }
}
