package org.smarttuner.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smarttuner.config.ConfigPrinter;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.audio.NpyWriter;
import org.smarttuner.tts.data.DatasetSplit;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.Utterance;

/**
 * The prepared dataset and configuration as {@code bench peer}'s PyTorch peer reads them, so that both
 * arms train on the same features: per split ({@code train_}, {@code val_}) the symbol ids as int64
 * (N, T_max) and their lengths (N), the log-mels as float32 (N, n_mels, F_max) and their frame counts (N),
 * zero-padded, in the split's own order; and {@code config.json}, the resolved configuration as
 * {@code smart-tuner config --format json} prints it plus the dataset's facts under {@code "dataset"}.
 */
public final class PeerData {
    private PeerData() {
    }

    public static void write(PreparedDataset data, TunerConfig config, Path dir) throws IOException {
        Files.createDirectories(dir);
        split(data.train(), "train_", dir);
        split(data.validation(), "val_", dir);
        Map<String, Object> tree = ConfigPrinter.toTree(config);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("n_symbols", data.nSymbols());
        facts.put("n_mels", data.nMels());
        facts.put("train", data.train().size());
        facts.put("val", data.validation().size());
        tree.put("dataset", facts);
        Files.writeString(dir.resolve("config.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(tree) + "\n");
    }

    static void split(DatasetSplit s, String prefix, Path dir) throws IOException {
        int n = s.size();
        int nMels = s.nMels();
        int tMax = s.items().stream().mapToInt(Utterance::textLength).max().orElse(0);
        int fMax = s.items().stream().mapToInt(Utterance::frames).max().orElse(0);
        try (NpyWriter.Out text = NpyWriter.open(dir.resolve(prefix + "text.npy"), NpyWriter.Dtype.INT64, n, tMax);
                NpyWriter.Out textLengths = NpyWriter.open(dir.resolve(prefix + "text_lengths.npy"),
                        NpyWriter.Dtype.INT64, n);
                NpyWriter.Out mel = NpyWriter.open(dir.resolve(prefix + "mel.npy"), NpyWriter.Dtype.FLOAT32, n, nMels,
                        fMax);
                NpyWriter.Out melLengths = NpyWriter.open(dir.resolve(prefix + "mel_lengths.npy"),
                        NpyWriter.Dtype.INT64, n)) {
            for (Utterance u : s.items()) {
                text.ints(u.text(), 0, u.textLength());
                text.zeros(tMax - u.textLength());
                textLengths.put(u.textLength());
                // the utterance's mel is already (n_mels, frames), row-major: each band padded to F_max
                for (int m = 0; m < nMels; m++) {
                    mel.floats(u.mel(), m * u.frames(), u.frames());
                    mel.zeros(fMax - u.frames());
                }
                melLengths.put(u.frames());
            }
        }
    }
}
