package org.smarttuner.tts.data;

import java.util.Objects;
import org.smarttuner.tts.audio.AudioSettings;

/**
 * A dataset ready for training: the train and validation splits with mel features, the size of
 * the symbol vocabulary (the embedding's row count; id 0 is padding) and the audio settings the
 * mels were computed with. Made by {@link DatasetPreparer#prepare}.
 */
public record PreparedDataset(DatasetSplit train, DatasetSplit validation, int nSymbols, AudioSettings audio,
        PrepareReport report) {
    public PreparedDataset {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(report, "report");
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the training split is empty");
        }
    }

    public int nMels() {
        return train.nMels();
    }
}
