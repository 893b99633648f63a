package org.smarttuner.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;
import org.smarttuner.config.StudyFactory;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.data.SyntheticCorpus;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.text.TextEncoder;

/**
 * Builds the HTML report of a stored study with the study's configuration: the configuration gives
 * the objective, the direction where the store keeps none, and the model, text and audio settings
 * the best trial's checkpoint is spoken with.
 */
public final class StudyReport {
    public static final String DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog.";

    /** Copies a checkpoint that is not on the local file system (HDFS, S3, DBFS) to a local file. */
    @FunctionalInterface
    public interface CheckpointFetcher {
        void fetch(String location, Path localFile) throws IOException;
    }

    /** The sentence, Griffin-Lim iterations and fetcher for the best trial's sample. */
    public record Options(Optional<String> text, int griffinLimIterations, CheckpointFetcher fetcher) {
    }

    private StudyReport() {
    }

    public static String build(TunerConfig config, StoredStudy study, Options options, Clock clock) {
        StudyDirection direction = study.direction().orElse(StudyFactory.direction(config.study()));
        Utterance spoken = utterance(config, options);
        Optional<FrozenTrial> best = HtmlReport.best(study.trials(), direction);
        Sample sample = best.map(b -> sample(config, b, spoken, options).labelled("best trial #" + b.number()))
                .orElseGet(() -> Sample.missing("best trial", spoken.text(),
                        "no trial has completed, so there is no best checkpoint"));
        Optional<Sample> pruned = Showcase.pruned(study.trials()).map(p -> sample(config, p, spoken, options)
                .labelled("pruned trial #" + p.number() + " (" + p.lastStep().getAsInt() + " epochs)"));
        return HtmlReport.render(new HtmlReport.Input(study, direction, config.study().metric(), sample, pruned,
                clock.instant()));
    }

    /** What the samples say: the given text, else the first validation utterance with its recording. */
    record Utterance(String text, Optional<int[]> ids, Optional<MelFrames> recorded) {
    }

    static Utterance utterance(TunerConfig config, Options options) {
        if (options.text().isPresent()) {
            return new Utterance(options.text().get(), Optional.empty(), Optional.empty());
        }
        try {
            PreparedDataset data = PreparedDatasets.get(config.data());
            org.smarttuner.tts.data.Utterance u = data.validation().isEmpty() ? data.train().items().get(0)
                    : data.validation().items().get(0);
            StringBuilder text = new StringBuilder();
            for (int id : u.text()) {
                text.append(Symbols.symbol(id));
            }
            return new Utterance(text.toString(), Optional.of(u.text()),
                    Optional.of(new MelFrames(u.mel(), data.nMels(), u.frames())));
        } catch (IOException | RuntimeException e) {
            // The report can be written where the dataset is not: speak a sentence without a recording.
            return new Utterance(defaultText(config), Optional.empty(), Optional.empty());
        }
    }

    /** Writes the page whole (a temporary file moved into place), creating the folder. */
    public static void write(String html, Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            readableByAll(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A temporary file is private (0600); a report is meant to be shared, like any file the user writes. */
    private static void readableByAll(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: its default permissions stand
        }
    }

    static String defaultText(TunerConfig config) {
        if (config.data().corpus().equals("synthetic")) {
            // The synthetic corpus only speaks its own alphabet: an English sentence would be noise.
            return new SyntheticCorpus(config.data().seed(), config.data().audio().sampleRate()).text(0);
        }
        return DEFAULT_TEXT;
    }

    private static Sample sample(TunerConfig config, FrozenTrial trial, Utterance spoken, Options options) {
        String text = spoken.text();
        Object location = trial.systemAttrs().get("checkpoint");
        if (location == null) {
            return Sample.missing(text, "trial #" + trial.number() + " has no checkpoint recorded");
        }
        String loc = String.valueOf(location);
        Path local = localPath(loc).orElse(null);
        Path tmp = null;
        try {
            if (local == null) {
                tmp = Files.createTempFile("smart-tuner-best", ".ckpt");
                try {
                    options.fetcher().fetch(loc, tmp);
                } catch (IOException | RuntimeException e) {
                    return Sample.missing(text, "the checkpoint " + loc + " of trial #" + trial.number()
                            + " could not be copied: " + e.getMessage());
                }
                local = tmp;
            }
            SampleMaker maker = new SampleMaker(config.model(trial.params()), config.data().audio(),
                    TextEncoder.of(config.data().textCleaners(), "drop"), options.griffinLimIterations(),
                    config.training().seed(), config.training().freeRunMaxLength(),
                    config.training().mcdCoefficients());
            Sample s = spoken.ids().isPresent() ? maker.make(local, text, spoken.ids().get(), spoken.recorded())
                    : maker.make(local, text);
            return s.present() ? s : Sample.missing(text, s.note().replace(local.toString(), loc));
        } catch (IOException e) {
            return Sample.missing(text, "no temporary file for the checkpoint: " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** The local file of a plain path or a file: URI; empty for other file systems (hdfs:, s3a:, dbfs:). */
    public static Optional<Path> localPath(String location) {
        if (location.startsWith("file:")) {
            return Optional.of(Path.of(java.net.URI.create(location.startsWith("file:/") ? location
                    : "file:" + Path.of(location.substring(5)).toAbsolutePath())));
        }
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(location));
    }
}
