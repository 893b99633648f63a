package org.smarttuner.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.GriffinLim;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.train.AlignmentImage;
import org.smarttuner.tts.train.RungSample;

/**
 * What people look at for a trial at each rung (the end of each segment): the validation alignment
 * (teacher-forced), the free-running alignment and the spoken sample, all of the first validation
 * utterance. The executor makes the bytes ({@link #of}) and returns them with the segment; the driver
 * writes them under {@code <output folder>/artifacts/<study>/trial-N/rung-epochNNNN/} ({@link #write})
 * and the MLflow mirror uploads that folder to the trial's run as {@code rung-epochNNNN/...}. Executors
 * never talk to MLflow.
 *
 * @param epoch the epoch the files show
 * @param files file name to bytes: {@value #ALIGNMENT}, {@value #FREE_RUNNING}, {@value #SPOKEN}
 */
public record TrialArtifacts(int epoch, Map<String, byte[]> files) implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ALIGNMENT = "alignment.png";
    public static final String FREE_RUNNING = "free-running-alignment.png";
    public static final String SPOKEN = "spoken.wav";
    private static final Pattern RUNG = Pattern.compile("rung-epoch(\\d{4,})");

    public TrialArtifacts {
        files = Map.copyOf(files);
        if (epoch < 1) {
            throw new IllegalArgumentException("rung artifacts are taken after an epoch (>= 1), got " + epoch);
        }
    }

    /**
     * The files for a segment's sample: both images, and with {@code griffinLimIterations} > 0 the free-running
     * mel through Griffin-Lim as a 16-bit WAV at the dataset's sample rate.
     */
    public static TrialArtifacts of(RungSample s, AudioSettings audio, int griffinLimIterations, long seed) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (s.alignment().length > 0 && s.alignment()[0].length > 0) {
            files.put(ALIGNMENT, AlignmentImage.png(s.alignment()));
        }
        if (s.freeAlignment() != null && s.freeAlignment().length > 0 && s.freeAlignment()[0].length > 0) {
            files.put(FREE_RUNNING, AlignmentImage.png(s.freeAlignment()));
        }
        if (griffinLimIterations > 0 && s.spoken().isPresent()) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                float[] wav = new GriffinLim(audio, griffinLimIterations, seed).invert(s.spoken().get(), m);
                files.put(SPOKEN, WavWriter.encode(wav, audio.sampleRate()));
            }
        }
        return new TrialArtifacts(s.epoch(), files);
    }

    /** The artifact folder of a rung, as the run shows it: {@code rung-epoch0008}. */
    public static String rungName(int epoch) {
        return String.format(Locale.ROOT, "rung-epoch%04d", epoch);
    }

    /**
     * Where the driver keeps a study's rung files until they are uploaded: {@code artifacts/<study>} beside
     * the SQLite study file (the output folder on the driver's own disk).
     */
    public static Path studyDir(TunerConfig config) {
        return Path.of(config.output().sqlitePath()).toAbsolutePath().getParent().resolve("artifacts")
                .resolve(safe(config.study().name()));
    }

    public static Path trialDir(Path studyDir, int trial) {
        return studyDir.resolve("trial-" + trial);
    }

    /** Writes the files into the trial's rung folder (replacing a half-written one) and returns the folder. */
    public Path write(Path studyDir, int trial) throws IOException {
        Path dir = trialDir(studyDir, trial).resolve(rungName(epoch));
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path tmp = dir.resolve(f.getKey() + ".tmp");
            Files.write(tmp, f.getValue());
            Files.move(tmp, dir.resolve(f.getKey()), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }

    /** A rung folder the driver wrote: its epoch and files (sorted by name). */
    public record Rung(int epoch, String name, List<Path> files) {
    }

    /** The rung folders of a trial with an epoch in (after, upTo], oldest first. */
    public static List<Rung> rungs(Path studyDir, int trial, int after, int upTo) {
        Path dir = trialDir(studyDir, trial);
        List<Rung> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                Matcher m = RUNG.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(p)) {
                    continue;
                }
                int epoch = Integer.parseInt(m.group(1));
                if (epoch <= after || epoch > upTo) {
                    continue;
                }
                try (Stream<Path> files = Files.list(p)) {
                    List<Path> done = files.filter(f -> !f.getFileName().toString().endsWith(".tmp"))
                            .filter(Files::isRegularFile).sorted().toList();
                    out.add(new Rung(epoch, p.getFileName().toString(), done));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the rung files of trial " + trial + " in " + dir, e);
        }
        out.sort(java.util.Comparator.comparingInt(Rung::epoch));
        return out;
    }

    /** A study name as a folder name: characters other than letters, digits, '.', '_' and '-' become '_'. */
    static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.equals(".") || s.equals("..") ? "_" + s : s;
    }
}
