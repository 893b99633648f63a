package org.smarttuner.tts.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.MelFrames;

/**
 * Mel features stored beside a dataset, in {@code features/<key>/mels.bin} where key is a hash of
 * the audio settings: changing any audio setting selects another folder (so the features are
 * recomputed), and going back finds the old ones again. Each entry remembers the size and
 * modification time of the WAV it came from, so an edited WAV is recomputed too.
 *
 * <p>Writes go to a temporary file that is then renamed, so concurrent readers (other executors
 * on shared storage) never see half a file.
 */
public final class FeatureCache {
    static final String FOLDER = "features";
    static final String FILE = "mels.bin";
    private static final String MAGIC = "smart-tuner mel cache v1";

    /** A cached spectrogram and the WAV fingerprint it was computed from. */
    public record Entry(long wavSize, long wavModified, MelFrames mel) {
    }

    private final Path dir;
    private final AudioSettings settings;

    public FeatureCache(Path datasetDir, AudioSettings settings) {
        this.settings = settings;
        this.dir = datasetDir.resolve(FOLDER).resolve(key(settings));
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    /** A short, stable hash of every audio setting (the values, not the record's toString). */
    public static String key(AudioSettings a) {
        String canonical = String.join("|", "v1", Integer.toString(a.sampleRate()), Integer.toString(a.filterLength()),
                Integer.toString(a.hopLength()), Integer.toString(a.winLength()), Integer.toString(a.nMels()),
                Double.toString(a.melFmin()), Double.toString(a.melFmax()), Double.toString(a.logFloor()));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The cached entries by utterance id; empty when there is no cache file yet. */
    public Map<String, Entry> load() throws IOException {
        Path f = file();
        Map<String, Entry> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException(f + " is not a mel cache file (bad header); delete it to recompute");
            }
            int nMels = in.readInt();
            int count = in.readInt();
            if (nMels != settings.nMels()) {
                throw new IOException(f + " holds " + nMels + " mel bands, the settings ask for " + settings.nMels());
            }
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                long size = in.readLong();
                long modified = in.readLong();
                int frames = in.readInt();
                byte[] raw = new byte[Math.multiplyExact(nMels * 4, frames)];
                in.readFully(raw);
                float[] mel = new float[nMels * frames];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(mel);
                out.put(id, new Entry(size, modified, new MelFrames(mel, nMels, frames)));
            }
        } catch (EOFException e) {
            throw new IOException(f + " is truncated; delete it to recompute", e);
        }
        return out;
    }

    /** Replaces the cache file with {@code entries} (atomically where the file system allows). */
    public void save(Map<String, Entry> entries) throws IOException {
        Files.createDirectories(dir);
        writeSettings();
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeUTF(MAGIC);
                out.writeInt(settings.nMels());
                out.writeInt(entries.size());
                for (Map.Entry<String, Entry> e : entries.entrySet()) {
                    Entry v = e.getValue();
                    out.writeUTF(e.getKey());
                    out.writeLong(v.wavSize());
                    out.writeLong(v.wavModified());
                    out.writeInt(v.mel().frames());
                    ByteBuffer b = ByteBuffer.allocate(v.mel().mel().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v.mel().mel());
                    out.write(b.array());
                }
            }
            try {
                Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeSettings() throws IOException {
        Path s = dir.resolve("settings.txt");
        if (!Files.exists(s)) {
            AudioSettings a = settings;
            Files.writeString(s, String.format(Locale.ROOT,
                    "# mel features of this dataset computed with these audio settings%n"
                            + "sample_rate: %d%nfilter_length: %d%nhop_length: %d%nwin_length: %d%nn_mels: %d%n"
                            + "mel_fmin: %s%nmel_fmax: %s%nlog_floor: %s%n",
                    a.sampleRate(), a.filterLength(), a.hopLength(), a.winLength(), a.nMels(), a.melFmin(),
                    a.melFmax(), a.logFloor()));
        }
    }
}
