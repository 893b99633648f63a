package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.ModelSettings;

/**
 * Training throughput of one model size on one device: teacher-forced steps (forward, backward,
 * global-norm clip, Adam) on a fixed full-length random batch; reports the median step after
 * warm-up, mel frames per second at that median, and the process's peak resident memory.
 */
public final class TrainBenchmark {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainBenchmark.class);

    private TrainBenchmark() {
    }

    public record Result(int batchSize, int tokens, int frames, long parameters, double medianMs, double minMs,
            double maxMs, double framesPerSecond, long peakRssBytes, long gpuMemoryBytes, List<Double> stepMs) {
    }

    public static Result run(ModelSettings model, TrainingSettings training, Device device, int batchSize,
            int tokens, int frames, int nSymbols, int nMels, int warmup, int steps) {
        if (frames % model.nFramesPerStep() != 0) {
            throw new IllegalArgumentException("frames " + frames + " must be a multiple of n_frames_per_step "
                    + model.nFramesPerStep());
        }
        // grad mode off on this thread (as SegmentTrainer does): the in-place updates fail with it on any
        // thread but the one that started the engine
        try (NoGradient noGradient = NoGradient.open();
                TrainingGuard g = TrainingGuard.acquire("a training benchmark");
                NDManager trial = NDManager.newBaseManager(device)) {
            TrainingSession session = TrainingSession.fresh(model, training, nSymbols, nMels, trial, device);
            List<Double> times = new ArrayList<>();
            MemoryProbe.resetPeak();
            LOG.info("training started: {} warm-up + {} measured steps, batch {} x {} tokens x {} frames on {}", warmup,
                    steps, batchSize, tokens, frames, device);
            for (int i = 0; i < warmup + steps; i++) {
                TrainingStop.check(); // a stopping JVM: leave native code here (see TrainingStop)
                try (NDManager scope = trial.newSubManager(device)) {
                    Batch batch = RandomBatch.create(scope, device, i, batchSize, tokens, frames, nSymbols, nMels);
                    long t0 = System.nanoTime();
                    session.trainStep(batch, 0, scope);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (i >= warmup) {
                        times.add(ms);
                    }
                }
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            return new Result(batchSize, tokens, frames, session.model().params().count(), median, sorted[0],
                    sorted[sorted.length - 1], batchSize * (double) frames / (median / 1000.0), MemoryProbe.peakRss(),
                    MemoryProbe.gpuUsed(device), List.copyOf(times));
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
