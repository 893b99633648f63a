package org.smarttuner.tts.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.tts.audio.Audio;
import org.smarttuner.tts.audio.AudioFormatException;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.audio.MelSpectrogram;
import org.smarttuner.tts.audio.WavReader;
import org.smarttuner.tts.text.EncodedText;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.text.TextEncoder;
import org.smarttuner.tts.text.UnknownCharacterException;

/**
 * Turns {@link DataSettings} into a {@link PreparedDataset}: generates the synthetic or espeak
 * corpus when it is missing or was generated with other settings, reads metadata.csv, encodes
 * the text, takes mel features from the {@link FeatureCache} or computes and stores them, applies
 * the bad-row policy and length limits, and splits train/validation with {@link SplitRule}.
 *
 * <p>The caller reports {@link PrepareReport#summary()} (the CLI prints it; {@link PreparedDatasets}
 * logs it), so the one summary line appears once.
 *
 * <p>For a {@code ljspeech} corpus, {@code size} caps how many metadata rows are read (the first
 * ones); generated corpora have exactly {@code size} rows.
 */
public final class DatasetPreparer {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetPreparer.class);
    private static final int EXAMPLES = 5;

    private DatasetPreparer() {
    }

    /**
     * @throws BadDataException on a bad row under {@code bad_rows: fail}, an unknown character under
     *     {@code unknown_chars: fail}, or when no row is usable
     * @throws IOException when the dataset folder or metadata.csv cannot be read or the corpus cannot be generated
     */
    public static PreparedDataset prepare(DataSettings settings) throws IOException {
        Path dir = Path.of(settings.path());
        if (settings.corpus().equals("ljspeech") && !Files.isDirectory(dir)) {
            throw new IOException("dataset folder " + dir + " does not exist (data.path; a folder in LJSpeech layout)");
        }
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            return prepareLocked(settings, dir);
        }
    }

    private static PreparedDataset prepareLocked(DataSettings settings, Path dir) throws IOException {
        long start = System.nanoTime();
        boolean failOnBad = switch (settings.badRows()) {
            case "skip" -> false;
            case "fail" -> true;
            default -> throw new IllegalArgumentException("bad_rows must be skip or fail, got '" + settings.badRows() + "'");
        };
        TextEncoder encoder = TextEncoder.of(settings.textCleaners(), settings.unknownChars());
        ensureCorpus(settings, dir);
        LjSpeechLayout layout = new LjSpeechLayout(dir);
        LjSpeechLayout.Contents contents = layout.read(settings.size());

        AudioSettings audio = settings.audio();
        FeatureCache cache = new FeatureCache(dir, audio);
        Map<String, FeatureCache.Entry> cached = loadCache(cache);
        Map<String, FeatureCache.Entry> updated = new LinkedHashMap<>(cached);
        MelSpectrogram mels = new MelSpectrogram(audio);

        Map<BadRowKind, Integer> skipped = new EnumMap<>(BadRowKind.class);
        List<BadRow> examples = new ArrayList<>();
        for (BadRow bad : contents.malformed()) {
            reject(bad, failOnBad, skipped, examples);
        }
        List<Utterance> usable = new ArrayList<>();
        long dropped = 0;
        int reused = 0;
        int computed = 0;
        double audioSeconds = 0;
        String metadata = layout.metadata().toString();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (MetadataRow row : contents.rows()) {
                EncodedText encoded;
                try {
                    encoded = encoder.encode(row.spokenText());
                } catch (UnknownCharacterException e) {
                    throw new BadDataException(metadata + ":" + row.line() + " (" + row.id() + "): " + e.getMessage(), e);
                }
                dropped += encoded.droppedCharacters();
                Optional<BadRow> bad = checkText(row, encoded, settings, metadata);
                MelFrames mel = null;
                if (bad.isEmpty()) {
                    Path wav = layout.wav(row.id());
                    if (!Files.isRegularFile(wav)) {
                        bad = Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.MISSING_WAV,
                                "no file " + wav));
                    } else {
                        BasicFileAttributes attrs = Files.readAttributes(wav, BasicFileAttributes.class);
                        long size = attrs.size();
                        long modified = attrs.lastModifiedTime().toMillis();
                        FeatureCache.Entry hit = cached.get(row.id());
                        if (hit != null && hit.wavSize() == size && hit.wavModified() == modified) {
                            mel = hit.mel();
                            reused++;
                        } else {
                            Result r = compute(wav, mels, manager, metadata, row, settings.maxFrames());
                            bad = r.bad();
                            if (r.mel() != null) {
                                mel = r.mel();
                                updated.put(row.id(), new FeatureCache.Entry(size, modified, mel));
                                computed++;
                            } else {
                                updated.remove(row.id());
                            }
                        }
                    }
                }
                if (bad.isEmpty() && mel.frames() > settings.maxFrames()) {
                    bad = Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.AUDIO_TOO_LONG,
                            mel.frames() + " mel frames, max_frames is " + settings.maxFrames()));
                }
                if (bad.isPresent()) {
                    reject(bad.get(), failOnBad, skipped, examples);
                    continue;
                }
                audioSeconds += (double) (mel.frames() - 1) * audio.hopLength() / audio.sampleRate();
                usable.add(new Utterance(row.id(), encoded.ids(), mel.mel(), mel.frames()));
            }
        }
        if (computed > 0 || updated.size() != cached.size()) {
            saveCache(cache, updated);
        }
        int rows = contents.rows().size() + contents.malformed().size();
        if (usable.isEmpty()) {
            throw new BadDataException("dataset " + dir + " has no usable rows (" + rows + " rows read"
                    + (skipped.isEmpty() ? "" : ", all skipped: " + describe(skipped)) + ")"
                    + (examples.isEmpty() ? "" : "; first problem: " + examples.get(0).describe()));
        }
        SplitRule.Sides<Utterance> sides = SplitRule.split(usable, Utterance::id, settings.seed(), settings.valFraction());
        DatasetSplit train = new DatasetSplit("train", sides.train(), audio.nMels());
        DatasetSplit val = new DatasetSplit("validation", sides.validation(), audio.nMels());
        PrepareReport report = new PrepareReport(dir.toString(), rows, usable.size(), train.size(), val.size(), skipped,
                examples, dropped, reused, computed, cache.dir().toString(), audioSeconds,
                (System.nanoTime() - start) / 1e9);
        return new PreparedDataset(train, val, Symbols.count(), audio, report);
    }

    /** Generates the synthetic or espeak corpus unless {@code dir} already holds the one these settings ask for. */
    public static void ensureCorpus(DataSettings settings, Path dir) throws IOException {
        String kind = settings.corpus();
        if (kind.equals("ljspeech")) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("dataset folder " + dir + " does not exist (data.path; a folder in LJSpeech layout)");
            }
            return;
        }
        int rate = settings.audio().sampleRate();
        CorpusMarker wanted = new CorpusMarker(kind, settings.size(), settings.seed(), rate);
        if (new LjSpeechLayout(dir).exists() && CorpusMarker.read(dir).filter(wanted::equals).isPresent()) {
            return;
        }
        LOG.info("generating the {} corpus in {} ({} items, seed {}, {} Hz)", kind, dir, settings.size(),
                settings.seed(), rate);
        switch (kind) {
            case "synthetic" -> new SyntheticCorpus(settings.seed(), rate).write(dir, settings.size());
            case "espeak" -> new EspeakCorpus(settings.seed(), rate).write(dir, settings.size());
            default -> throw new IllegalArgumentException("corpus must be ljspeech, synthetic or espeak, got '" + kind + "'");
        }
    }

    private record Result(MelFrames mel, Optional<BadRow> bad) {
    }

    private static Result compute(Path wav, MelSpectrogram mels, NDManager manager, String metadata, MetadataRow row,
            int maxFrames) {
        int rate = mels.settings().sampleRate();
        Audio a;
        try {
            a = WavReader.read(wav);
        } catch (AudioFormatException e) {
            return new Result(null, Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.UNREADABLE_WAV,
                    e.getMessage())));
        } catch (IOException e) {
            return new Result(null, Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.UNREADABLE_WAV,
                    wav + ": " + e)));
        }
        if (a.sampleRate() != rate) {
            return new Result(null, Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.WRONG_SAMPLE_RATE,
                    wav + " is " + a.sampleRate() + " Hz, data.audio.sample_rate is " + rate)));
        }
        if (a.samples().length < mels.minSamples()) {
            return new Result(null, Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.AUDIO_TOO_SHORT,
                    wav + " has " + a.samples().length + " samples, the STFT needs at least " + mels.minSamples())));
        }
        int frames = mels.frames(a.samples().length);
        if (frames > maxFrames) {
            // known from the sample count: no need to compute features that would be thrown away
            return new Result(null, Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.AUDIO_TOO_LONG,
                    frames + " mel frames, max_frames is " + maxFrames)));
        }
        return new Result(mels.compute(a.samples(), manager), Optional.empty());
    }

    private static Optional<BadRow> checkText(MetadataRow row, EncodedText encoded, DataSettings s, String metadata) {
        if (encoded.ids().length == 0) {
            return Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.EMPTY_TEXT,
                    row.spokenText().isBlank() ? "the text is empty" : "no symbol left after cleaning \""
                            + row.spokenText() + "\""));
        }
        if (encoded.ids().length > s.maxTextLength()) {
            return Optional.of(new BadRow(metadata, row.line(), row.id(), BadRowKind.TEXT_TOO_LONG,
                    encoded.ids().length + " symbols, max_text_length is " + s.maxTextLength()));
        }
        return Optional.empty();
    }

    private static void reject(BadRow bad, boolean fail, Map<BadRowKind, Integer> skipped, List<BadRow> examples) {
        if (fail) {
            throw new BadDataException(bad.describe() + " (data.bad_rows is fail; set it to skip to leave such rows out)");
        }
        skipped.merge(bad.kind(), 1, Integer::sum);
        if (examples.size() < EXAMPLES) {
            examples.add(bad);
        }
    }

    private static String describe(Map<BadRowKind, Integer> skipped) {
        StringBuilder sb = new StringBuilder();
        skipped.forEach((k, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ').append(n));
        return sb.toString();
    }

    private static Map<String, FeatureCache.Entry> loadCache(FeatureCache cache) {
        try {
            return cache.load();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring the feature cache {}: {}; features are recomputed", cache.file(), e.getMessage());
            return new HashMap<>();
        }
    }

    private static void saveCache(FeatureCache cache, Map<String, FeatureCache.Entry> entries) {
        try {
            cache.save(entries);
        } catch (IOException e) {
            // a read-only dataset folder must not stop training: the features are simply not kept
            LOG.warn(String.format(Locale.ROOT, "could not write the feature cache %s (%s); features will be computed "
                    + "again next time", cache.file(), e.getMessage()));
        }
    }
}
