package org.smarttuner.tts.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Opens a weights file by what it is, not by its name: a PyTorch checkpoint (zip or legacy) or safetensors. */
public final class WeightFiles {
    private WeightFiles() {
    }

    /** The kinds this class reads, for messages. */
    public static final String KINDS = "a PyTorch checkpoint (.pt/.pth, as torch.save writes it) or a .safetensors file";

    public static StateFile read(Path file) throws IOException {
        byte[] head = head(file, 16);
        if (TorchCheckpoint.isZip(head) || TorchCheckpoint.isPickle(head)) {
            return TorchCheckpoint.read(file);
        }
        if (Safetensors.looksLike(head)) {
            return Safetensors.read(file);
        }
        throw new CheckpointFormatException(file + " is neither " + KINDS + " (its first bytes: "
                + hex(head) + ")");
    }

    static byte[] head(Path file, int n) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.exists(file) ? "not a regular file"
                    : "no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : Arrays.copyOf(b, Math.min(b.length, 8))) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.length() == 0 ? "none, it is empty" : s.toString();
    }
}
