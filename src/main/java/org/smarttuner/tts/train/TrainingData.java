package org.smarttuner.tts.train;

/**
 * A prepared dataset as the trainer sees it: training and validation batches, the symbol-set size
 * (embedding rows) and the number of mel bands.
 */
public record TrainingData(BatchSource train, BatchSource validation, int nSymbols, int nMels) {
    public TrainingData {
        if (train.batchCount() < 1) {
            throw new IllegalArgumentException("the training split has no batches");
        }
        if (validation.batchCount() < 1) {
            throw new IllegalArgumentException("the validation split has no batches (raise data.val_fraction or"
                    + " the corpus size)");
        }
    }
}
