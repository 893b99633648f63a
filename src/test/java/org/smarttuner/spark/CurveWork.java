package org.smarttuner.spark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;

/**
 * A stand-in for Tacotron2 training in tests of the driver's bookkeeping: a deterministic loss
 * curve from the trial's learning rate, real checkpoint files passed from segment to segment
 * (each holds its epoch and the chain of segments, so a test sees a resumed trial continue from
 * exactly where it was), and scripted faults. Like the real executor it ends a segment at the first
 * epoch that reaches the request's target, writing that epoch's checkpoint. The real trainer runs in
 * the slow end-to-end tests.
 */
final class CurveWork implements SegmentWork {
    private static final long serialVersionUID = 1L;

    /** Trials whose task throws on its first attempt (Spark retries it). */
    final List<Integer> flakyTrials;
    /** Trials whose training throws (a trial error, not an infrastructure one). */
    final List<Integer> brokenTrials;
    /** Trials whose loss turns NaN at epoch 2. */
    final List<Integer> divergingTrials;
    final long sleepMillis;
    /** Extra time each segment of these trials takes, by trial number. */
    final Map<Integer, Long> slowTrials;

    CurveWork(List<Integer> flaky, List<Integer> broken, List<Integer> diverging, long sleepMillis) {
        this(flaky, broken, diverging, sleepMillis, Map.of());
    }

    CurveWork(List<Integer> flaky, List<Integer> broken, List<Integer> diverging, long sleepMillis,
              Map<Integer, Long> slowTrials) {
        this.flakyTrials = List.copyOf(flaky);
        this.brokenTrials = List.copyOf(broken);
        this.divergingTrials = List.copyOf(diverging);
        this.sleepMillis = sleepMillis;
        this.slowTrials = Map.copyOf(slowTrials);
    }

    static double loss(double lr, int epoch) {
        return Math.abs(Math.log10(lr) + 3) + 0.5 + 1.0 / epoch;
    }

    @Override
    public SegmentOutcome run(SegmentRequest r) throws Exception {
        long start = System.currentTimeMillis();
        TaskContext ctx = TaskContext.get();
        if (flakyTrials.contains(r.number()) && ctx.attemptNumber() == 0) {
            throw new IllegalStateException("simulated executor fault in trial " + r.number());
        }
        String chain = "";
        if (r.fromEpoch() > 0) {
            String prev = Files.readString(Path.of(r.checkpointIn()), StandardCharsets.UTF_8);
            if (!prev.startsWith("epoch=" + r.fromEpoch() + ";")) {
                throw new IllegalStateException("checkpoint " + r.checkpointIn() + " holds " + prev + ", expected epoch "
                        + r.fromEpoch());
            }
            chain = prev.substring(prev.indexOf(';') + 1);
        }
        if (brokenTrials.contains(r.number())) {
            return new SegmentOutcome(r.study(), r.number(), r.segment(), List.of(), null, null,
                    "IllegalArgumentException: simulated bad parameters", "exec", "localhost", null, start,
                    System.currentTimeMillis());
        }
        Thread.sleep(sleepMillis + slowTrials.getOrDefault(r.number(), 0L));
        double lr = r.training().learningRate();
        List<EpochStats> epochs = new ArrayList<>();
        int end = r.toEpoch();
        for (int e = r.fromEpoch() + 1; e <= r.toEpoch(); e++) {
            if (divergingTrials.contains(r.number()) && e >= 2) {
                return new SegmentOutcome(r.study(), r.number(), r.segment(), epochs, null,
                        "non-finite loss (NaN) at epoch " + e, null, "exec", "localhost", null, start,
                        System.currentTimeMillis());
            }
            double l = loss(lr, e);
            EpochStats stats = new EpochStats(e, l + 0.1, l, l * 0.8, l * 0.2, 0.5, org.smarttuner.tts.eval.VoiceMetrics.NONE, 1000, 0.01, 100);
            epochs.add(stats);
            if (r.stopRule().isPresent() && r.stopRule().get().reachedBy(stats.metric(r.stopRule().get().metric()))) {
                end = e;
                break;
            }
        }
        Path out = Path.of(r.checkpointOut(end));
        Files.createDirectories(out.getParent());
        Files.writeString(out, "epoch=" + end + ";" + chain + r.fromEpoch() + "->" + end + ",");
        return new SegmentOutcome(r.study(), r.number(), r.segment(), epochs, out.toString(), null, null,
                "exec-" + ctx.partitionId(), "localhost", null, start, System.currentTimeMillis());
    }
}
