package org.smarttuner.tts.train;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.eval.VoiceMetrics;

/**
 * The entry point a Spark executor calls for one segment of one trial.
 *
 * <pre>{@code
 * TrainingSegment seg = new TrainingSegment(model, training, Device.gpu(0), 4, 8,
 *         Optional.of(localCheckpointIn), localCheckpointOut, Optional.empty());
 * SegmentResult r = SegmentTrainer.run(seg, data);   // r is Serializable: send it to the driver
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>One training per JVM at a time ({@link TrainingGuard}); a second concurrent call throws
 *       IllegalStateException at once.</li>
 *   <li>The trial owns one NDManager, closed when this method returns; each batch (training or
 *       validation) owns a sub-manager closed after its step, so nothing accumulates across
 *       batches, epochs or trials.</li>
 *   <li>Every batch array is created on {@code segment.device()}.</li>
 *   <li>A non-finite loss or gradient norm stops the segment: the result is failed with the reason
 *       and the epochs finished before it; no checkpoint is written.</li>
 *   <li>With a target ({@code segment.stopAt()}), the segment ends after the first epoch whose value
 *       reaches it: the checkpoint is written for that epoch (to {@code checkpointOut}, its epoch field
 *       saying so) and the result {@link SegmentResult#reachedTarget() reached the target}.</li>
 *   <li>A JVM that shuts down (SIGTERM) or a Spark task that is cancelled (its thread interrupted)
 *       stops the segment at the next step boundary with {@link TrainingStoppedException}, after
 *       closing the trial's NDManager; no checkpoint is written ({@link TrainingStop}).</li>
 *   <li>Bad inputs (settings, a checkpoint of another model, unreadable files) throw
 *       IllegalArgumentException / UncheckedIOException: those are not trial outcomes. A damaged
 *       checkpoint is an UncheckedIOException caused by a {@link DamagedCheckpointException}
 *       (find it with {@link DamagedCheckpointException#in(Throwable)}).</li>
 *   <li>Resuming is exact: the engine RNG and the batch order are reseeded from (seed, epoch) at
 *       every epoch start, and the checkpoint holds weights, batch-norm statistics, Adam moments
 *       and step count; k epochs, checkpoint, m more epochs equal k + m straight on CPU.</li>
 * </ul>
 */
public final class SegmentTrainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SegmentTrainer.class);
    private SegmentTrainer() {
    }

    public static SegmentResult run(TrainingSegment segment, TrainingData data) {
        TrainingStop.check();
        try (NoGradient noGradient = NoGradient.open();
                TrainingGuard guard = TrainingGuard.acquire("a segment to epoch " + segment.toEpoch());
                NDManager trial = NDManager.newBaseManager(segment.device())) {
            TrainingSession session = open(segment, data, trial);
            return train(segment, data, session, trial);
        }
    }

    private static TrainingSession open(TrainingSegment seg, TrainingData data, NDManager trial) {
        if (seg.training().mcdCoefficients() >= data.nMels()) {
            throw new IllegalArgumentException("mcd_coefficients " + seg.training().mcdCoefficients() + " needs more "
                    + "than the dataset's " + data.nMels() + " mel bands (allowed: 1 to " + (data.nMels() - 1) + ")");
        }
        if (seg.resumeFrom().isEmpty()) {
            return TrainingSession.fresh(seg.model(), seg.training(), data.nSymbols(), data.nMels(), trial,
                    seg.device());
        }
        Path file = seg.resumeFrom().get();
        try (NDManager load = trial.newSubManager(ai.djl.Device.cpu())) {
            Checkpoint c = Checkpoint.read(file, load);
            if (c.epoch() != seg.fromEpoch()) {
                throw new IllegalArgumentException("checkpoint " + file + " is at epoch " + c.epoch()
                        + " but the segment starts at epoch " + seg.fromEpoch());
            }
            if (c.nSymbols() != data.nSymbols() || c.nMels() != data.nMels()) {
                throw new IllegalArgumentException("checkpoint " + file + " has " + c.nSymbols() + " symbols and "
                        + c.nMels() + " mel bands; the dataset has " + data.nSymbols() + " and " + data.nMels());
            }
            return TrainingSession.resume(seg.model(), seg.training(), c, trial, seg.device());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private static SegmentResult train(TrainingSegment seg, TrainingData data, TrainingSession session,
            NDManager trial) {
        List<EpochMetrics> epochs = new ArrayList<>();
        long params = session.model().params().count();
        long seed = seg.training().seed();
        int end = seg.toEpoch();
        boolean reachedTarget = false;
        RungSample sample = null;
        try {
            for (int epoch = seg.fromEpoch(); epoch < seg.toEpoch(); epoch++) {
                MemoryProbe.resetPeak();
                long passSeed = Seeds.training(seed, epoch);
                trial.getEngine().setRandomSeed(Seeds.engine(passSeed));
                double lossSum = 0;
                long utterances = 0;
                long frames = 0;
                double lr = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < data.train().batchCount(); i++) {
                    TrainingStop.check(); // a stopping JVM or a cancelled task: leave native code here
                    try (NDManager scope = trial.newSubManager(seg.device())) {
                        Batch batch = data.train().batch(passSeed, i, scope, seg.device());
                        StepStats s = session.trainStep(batch, epoch, scope);
                        lossSum += s.loss() * batch.size();
                        utterances += batch.size();
                        frames += sum(batch.melLengths().toLongArray());
                        lr = s.learningRate();
                    }
                }
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                ValidationStats val = validate(session, data, seg, epoch, trial);
                FreeRunValidation.Result free = FreeRunValidation.due(seg.training(), epoch + 1, seg.toEpoch())
                        ? FreeRunValidation.run(session.model(), data.validation(), seg.training(), epoch, seg.device(),
                                trial)
                        : new FreeRunValidation.Result(VoiceMetrics.NONE, null);
                double seconds = (System.nanoTime() - t0) / 1e9;
                epochs.add(new EpochMetrics(epoch + 1, lossSum / utterances, val.loss(), val.mel(), val.melPostnet(),
                        val.gate(), val.attentionSharpness(), free.voice(), lr, frames / trainSeconds, seconds,
                        MemoryProbe.peakRss(), MemoryProbe.gpuUsed(seg.device())));
                EpochMetrics em = epochs.get(epochs.size() - 1);
                VoiceMetrics v = em.voice();
                LOG.info(String.format(java.util.Locale.ROOT,
                        "epoch %d: train %.4f, val %.4f, sharpness %.3f%s, %.0f frames/s, %.1f s", em.epoch(),
                        em.trainLoss(), em.valLoss(), em.attentionSharpness(), v.measured() ? "; free-running " + v.describe() : "",
                        em.framesPerSecond(), em.seconds()));
                if (!Double.isFinite(val.loss())) {
                    return SegmentResult.failed(epochs, "non-finite validation loss (" + val.loss() + ") after epoch "
                            + (epoch + 1), params);
                }
                if (val.sampleAlignment() != null) {
                    // kept for the segment's last epoch only: what the driver shows for the rung
                    sample = RungSample.of(em.epoch(), val.sampleAlignment(), free);
                }
                if (seg.artifacts().isPresent()) {
                    AlignmentImage.write(val.sampleAlignment(),
                            seg.artifacts().get().resolve(String.format("alignment-epoch%04d.png", epoch + 1)));
                    if (free.sampleAlignment() != null) {
                        AlignmentImage.write(free.sampleAlignment(), seg.artifacts().get()
                                .resolve(String.format("free-running-epoch%04d.png", epoch + 1)));
                    }
                }
                if (seg.stopAt().isPresent() && seg.stopAt().get().reachedBy(em)) {
                    // Nobody needs the remaining epochs: the driver completes the trial at this one.
                    reachedTarget = true;
                    end = em.epoch();
                    if (end < seg.toEpoch()) {
                        LOG.info("epoch {}: {} {} reaches the target ({}); the segment ends here instead of at "
                                + "epoch {}", end, seg.stopAt().get().metric(), seg.stopAt().get().value(em),
                                seg.stopAt().get().describe(), seg.toEpoch());
                    }
                    break;
                }
            }
            try (NDManager scope = trial.newSubManager(seg.device())) {
                session.checkpoint(end, scope).write(seg.checkpointOut());
            }
            SegmentResult done = reachedTarget ? SegmentResult.targetReached(epochs, seg.checkpointOut().toString(),
                    params) : SegmentResult.completed(epochs, seg.checkpointOut().toString(), params);
            return sample == null ? done : done.withSample(sample);
        } catch (NonFiniteLossException e) {
            return SegmentResult.failed(epochs, e.getMessage(), params);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + e.getMessage(), e);
        }
    }

    static ValidationStats validate(TrainingSession session, TrainingData data, TrainingSegment seg, int epoch,
            NDManager trial) {
        trial.getEngine().setRandomSeed(Seeds.engine(Seeds.validation(seg.training().seed(), epoch)));
        double loss = 0;
        double mel = 0;
        double post = 0;
        double gate = 0;
        double score = 0;
        long n = 0;
        float[][] sample = null;
        for (int i = 0; i < data.validation().batchCount(); i++) {
            TrainingStop.check();
            try (NDManager scope = trial.newSubManager(seg.device())) {
                Batch batch = data.validation().batch(0, i, scope, seg.device());
                TrainingSession.ValidationBatch v = session.evaluate(batch, scope);
                int b = batch.size();
                loss += v.loss() * b;
                mel += v.mel() * b;
                post += v.melPostnet() * b;
                gate += v.gate() * b;
                for (double s : v.sharpnessScores()) {
                    score += s;
                }
                n += b;
                if (sample == null) {
                    sample = AlignmentImage.first(v.alignments(), batch, seg.model().nFramesPerStep());
                }
            }
        }
        return new ValidationStats(loss / n, mel / n, post / n, gate / n, score / n, sample);
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    /** Convenience for tests and the CLI: a segment's result, or an exception carrying its failure. */
    public static SegmentResult runOrThrow(TrainingSegment segment, TrainingData data) {
        SegmentResult r = run(segment, data);
        Optional<String> f = r.failure();
        if (f.isPresent()) {
            throw new IllegalStateException(f.get());
        }
        return r;
    }
}
