/**
 * Tacotron2 training: loss, optimizer, schedules, checkpoints, validation metrics, and the segment
 * entry point the Spark executor calls.
 *
 * <h2>Entry point</h2>
 * {@link org.smarttuner.tts.train.SegmentTrainer#run} takes a
 * {@link org.smarttuner.tts.train.TrainingSegment} (model and training settings with the trial's
 * parameters applied, a DJL Device, epochs from/to, an optional local checkpoint to resume from
 * and the local path of the checkpoint to write) and a
 * {@link org.smarttuner.tts.train.TrainingData} (build it from the data pipeline with
 * {@link org.smarttuner.tts.train.LoaderBatchSource#of}). It returns a serializable
 * {@link org.smarttuner.tts.train.SegmentResult}: per-epoch
 * {@link org.smarttuner.tts.train.EpochMetrics} (train loss, val loss and its mel / postnet /
 * gate parts, alignment score, learning rate, frames/s, seconds, peak RSS, GPU memory), the new
 * checkpoint path, or the failure reason (a non-finite loss or gradient norm). Copying
 * checkpoints to and from Hadoop FS is the caller's job; the trainer reads and writes local files.
 *
 * <h2>One training per JVM</h2>
 * DJL's PyTorch engine allows one GradientCollector per JVM at a time, and the engine's random
 * generator and thread pool are process-wide. {@link org.smarttuner.tts.train.TrainingGuard}
 * refuses a second concurrent training with a clear error. Run one training task per executor:
 * {@code spark.task.cpus} = executor cores on CPU clusters, one GPU per executor and per task on
 * GPU clusters, and never local[N] with two trials training at the same instant.
 *
 * <h2>Memory</h2>
 * Each segment owns one NDManager closed when it returns; every batch (training or validation)
 * owns a sub-manager closed after its step, and forward passes attach what they compute to it.
 *
 * <h2>Exact resume</h2>
 * The engine RNG and the batch order are reseeded from (seed, epoch) at every epoch start, and a
 * checkpoint holds weights, batch-norm statistics, Adam moments and step count. On the CPU, k
 * epochs + checkpoint + m epochs equal k + m epochs straight, bit for bit.
 *
 * <h2>CPU threads under load</h2>
 * libtorch's OpenMP threads spin while waiting; on an oversubscribed machine (more runnable
 * threads than cores) that makes every op many times slower. Export
 * {@code OMP_WAIT_POLICY=PASSIVE} for the JVM (it must be set before the JVM starts) when
 * executors share cores.
 */
package org.smarttuner.tts.train;
