/**
 * Datasets and batches for Tacotron2 training.
 *
 * <p>What a trainer calls:
 *
 * <pre>{@code
 * PreparedDataset data = PreparedDatasets.get(dataSettings);   // once per JVM per settings; IOException, BadDataException
 * int nSymbols = data.nSymbols();                              // embedding rows, id 0 = padding
 * BatchLoader train = new BatchLoader(data.train(), batchSize, nFramesPerStep);
 * BatchLoader val = new BatchLoader(data.validation(), batchSize, nFramesPerStep);   // if !data.validation().isEmpty()
 * train.forEachBatch(seed + epoch, trialManager, device, batch -> { ... });          // see Batch for the layout
 * }</pre>
 *
 * <p>Preparation ({@link org.smarttuner.tts.data.DatasetPreparer}) generates the synthetic or
 * espeak corpus when needed, reads the LJSpeech layout, applies the bad-row policy, and keeps
 * mel features in a {@link org.smarttuner.tts.data.FeatureCache} beside the data, keyed by a
 * hash of the audio settings. Everything in a prepared dataset is immutable and shared.
 */
package org.smarttuner.tts.data;
