package org.smarttuner.spark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.TaskContext;
import org.smarttuner.tts.eval.VoiceMetrics;

/**
 * The executor side of {@code bench driver}: no DJL, no model. It sleeps the configured time per
 * segment and returns plausible epoch metrics (a validation loss falling with the epochs towards a
 * floor set by how far the trial's learning rate is from 10^-3, plus a little noise per trial), and
 * passes a small checkpoint file from segment to segment as the trainer does, so the driver's whole
 * record path (Delta, the study file, MLflow, resume) runs as in a real study.
 */
public final class BenchWork implements SegmentWork {
    private static final long serialVersionUID = 1L;

    private final long segmentMillis;

    public BenchWork(long segmentMillis) {
        this.segmentMillis = segmentMillis;
    }

    static double loss(double lr, int number, int epoch) {
        double floor = 0.4 + Math.abs(Math.log10(lr) + 3);
        double noise = new SplittableRandom(number * 31L + epoch).nextDouble(-0.02, 0.02);
        return floor + 3.0 / (1 + epoch) + noise;
    }

    @Override
    public SegmentOutcome run(SegmentRequest r) throws Exception {
        long start = System.currentTimeMillis();
        Thread.sleep(segmentMillis);
        double lr = r.training().learningRate();
        List<EpochStats> epochs = new ArrayList<>();
        for (int e = r.fromEpoch() + 1; e <= r.toEpoch(); e++) {
            double l = loss(lr, r.number(), e);
            epochs.add(new EpochStats(e, l + 0.05, l, l * 0.8, l * 0.2, 0.5, VoiceMetrics.NONE, 2000,
                    segmentMillis / 1000.0 / Math.max(1, r.toEpoch() - r.fromEpoch()), 100));
        }
        Path out = Path.of(r.checkpointOut(r.toEpoch()));
        Files.createDirectories(out.getParent());
        Files.writeString(out, "bench checkpoint: trial " + r.number() + ", epoch " + r.toEpoch(),
                StandardCharsets.UTF_8);
        TaskContext ctx = TaskContext.get();
        return new SegmentOutcome(r.study(), r.number(), r.segment(), epochs, out.toString(), null, null,
                "exec-" + (ctx == null ? 0 : ctx.partitionId()), "localhost", null, start, System.currentTimeMillis());
    }
}
