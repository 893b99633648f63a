package org.smarttuner.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.data.DataSettings;

/** Reads the data section into {@link DataSettings}. */
final class DataSection {
    private DataSection() {
    }

    public static final String[] CORPORA = {"ljspeech", "synthetic", "espeak"};

    static DataSettings read(ConfigReader r, PathResolver paths) {
        String corpus = r.choice("corpus", "synthetic", CORPORA);
        String path;
        if (corpus.equals("ljspeech")) {
            path = paths.resolve(r.requiredString("path", "a folder in LJSpeech layout (metadata.csv and wavs/)"));
            if (!path.isEmpty() && paths.isLocal(path)) {
                Path p = Path.of(path);
                if (!Files.isDirectory(p)) {
                    r.error("path", "dataset folder " + path + " does not exist",
                            "a folder in LJSpeech layout (metadata.csv and wavs/)");
                } else if (!Files.isRegularFile(p.resolve("metadata.csv"))) {
                    r.error("path", "dataset folder " + path + " has no metadata.csv",
                            "a folder in LJSpeech layout (metadata.csv with id|text|normalized text, and wavs/)");
                }
            }
        } else {
            path = paths.resolve(r.string("path", "data/" + corpus));
        }
        int size = r.intValue("size", 200, Range.closed(1, 10_000_000));
        long seed = r.integer("seed", 7, Range.ANY);
        double val = r.number("val_fraction", 0.1, Range.open(0, 1));
        String badRows = r.choice("bad_rows", "skip", "skip", "fail");
        String unknown = r.choice("unknown_chars", "drop", "drop", "fail");
        String cleaners = r.choice("text_cleaners", "english", "english", "basic", "none");
        int maxText = r.intValue("max_text_length", 200, Range.closed(1, 100_000));
        int maxFrames = r.intValue("max_frames", 1000, Range.closed(1, 1_000_000));
        ConfigReader a = r.section("audio");
        AudioSettings audio = AudioSection.read(a);
        a.finish();
        return new DataSettings(corpus, path, size, seed, val, badRows, unknown, cleaners, maxText, maxFrames, audio);
    }
}
