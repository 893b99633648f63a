package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.interop.EngineTensors;
import org.smarttuner.tts.interop.WarmStart;
import org.smarttuner.tts.model.DeferredGradients;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.model.Tacotron2Output;

/**
 * A model with its optimizer, schedule and loss, owned by one trial manager: the unit that
 * {@link SegmentTrainer} runs epochs over and the benchmark runs steps over. Not thread-safe; one per
 * JVM at a time (see {@link TrainingGuard}).
 */
public final class TrainingSession {
    private final ModelSettings modelSettings;
    private final TrainingSettings settings;
    private final Device device;
    private final NDManager trial;
    private final Tacotron2 model;
    private final Adam adam;
    private final LearningRateSchedule schedule;
    private final Tacotron2Loss loss;
    private final SkippedSteps skipped = new SkippedSteps();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingSession.class);

    /** A fresh model initialised from the engine's generator, seeded from the trial seed. */
    public static TrainingSession fresh(ModelSettings m, TrainingSettings t, int nSymbols, int nMels,
            NDManager trial, Device device) {
        trial.getEngine().setRandomSeed(Seeds.engine(Seeds.mix(t.seed(), Seeds.INIT)));
        if (!t.warmStart()) {
            return new TrainingSession(m, t, new Tacotron2(m, nSymbols, nMels, trial, device, Map.of()), trial, device);
        }
        WarmStart.Loaded warm;
        try {
            warm = WarmStart.load(t.initFrom(), m, nSymbols, nMels, t.initIgnore());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("training.init_from: " + e.getMessage(), e);
        }
        try (NDManager load = trial.newSubManager(Device.cpu())) {
            Tacotron2 model = new Tacotron2(m, nSymbols, nMels, trial, device, EngineTensors.toArrays(warm.weights(),
                    load));
            return new TrainingSession(m, t, model, trial, device);
        }
    }

    /** The model and optimizer state of a checkpoint, checked against these settings. */
    public static TrainingSession resume(ModelSettings m, TrainingSettings t, Checkpoint c, NDManager trial,
            Device device) {
        if (c.seed() != t.seed()) {
            throw new IllegalArgumentException("the checkpoint was trained with seed " + c.seed()
                    + " but this segment has seed " + t.seed() + "; a trial keeps its seed across segments");
        }
        if (!c.modelSettings().equals(m.toString())) {
            throw new IllegalArgumentException("the checkpoint was written with other model settings:\n  checkpoint: "
                    + c.modelSettings() + "\n  this segment: " + m);
        }
        Tacotron2 model = new Tacotron2(m, c.nSymbols(), c.nMels(), trial, device, c.weights());
        TrainingSession s = new TrainingSession(m, t, model, trial, device);
        s.adam.restore(c.optimizer(), c.step(), trial, device);
        return s;
    }

    private TrainingSession(ModelSettings m, TrainingSettings t, Tacotron2 model, NDManager trial, Device device) {
        this.modelSettings = m;
        this.settings = t;
        this.device = device;
        this.trial = trial;
        this.model = model;
        this.adam = new Adam(OptimizerKind.parse(t.optimizer()), t.adamBeta1(), t.adamBeta2(), t.adamEpsilon(),
                t.weightDecay());
        this.schedule = LearningRateSchedule.of(t);
        this.loss = new Tacotron2Loss(new GuidedAttention(t.guidedAttentionWeight(), t.guidedAttentionSigma()),
                t.gatePositiveWeight());
        if (!(t.gradClipNorm() > 0)) {
            throw new IllegalArgumentException("grad_clip_norm must be > 0, got " + t.gradClipNorm());
        }
    }

    public Tacotron2 model() {
        return model;
    }

    public long optimizerSteps() {
        return adam.step();
    }

    /** Forward, backward, global-norm clip and one optimizer update; everything temporary lives in scope. */
    public StepStats trainStep(Batch batch, int epoch, NDManager scope) {
        long stepNo = adam.step() + 1;
        double lr = schedule.rate(epoch, stepNo);
        float value;
        DeferredGradients deferred;
        try (GradientCollector gc = trial.getEngine().newGradientCollector()) {
            Tacotron2Output out = model.forward(batch, true, scope);
            LossTerms terms = loss.compute(out, batch, modelSettings.nFramesPerStep(), scope);
            deferred = out.deferred();
            value = terms.total().getFloat();
            if (!Float.isFinite(value)) {
                throw new NonFiniteLossException("non-finite training loss (" + value + ") at epoch " + (epoch + 1)
                        + ", optimizer step " + stepNo + " (learning rate " + lr + ")");
            }
            gc.backward(terms.total());
        }
        Map<String, NDArray> params = model.params().trainable();
        Map<String, NDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(scope);
            grads.put(e.getKey(), g);
        }
        deferred.addTo(grads, scope);
        double norm = GradientClipping.clip(grads.values(), settings.gradClipNorm());
        if (!Double.isFinite(norm)) {
            // a finite loss with an overflowing backward pass: drop the step, keep the weights (SkippedSteps)
            for (NDArray g : grads.values()) {
                g.set(new NDIndex("..."), 0f);
            }
            if (skipped.skip()) {
                throw new NonFiniteLossException("non-finite gradient norm (" + norm + ") in " + skipped.inARow()
                        + " optimizer steps in a row, the last at epoch " + (epoch + 1) + ", optimizer step " + stepNo
                        + " (loss " + value + ", learning rate " + lr + ")");
            }
            LOG.warn("epoch {}: optimizer step {} skipped, the gradient norm was {} at a finite loss {}; the weights "
                    + "are unchanged ({} skipped in this segment)", epoch + 1, stepNo, norm, value, skipped.total());
            return new StepStats(value, norm, lr);
        }
        skipped.taken();
        adam.update(params, grads, lr, scope);
        for (NDArray g : grads.values()) {
            g.subi(g);
        }
        return new StepStats(value, norm, lr);
    }

    /** Teacher-forced evaluation of one batch (no graph is built: no gradient collector is open). */
    public ValidationBatch evaluate(Batch batch, NDManager scope) {
        Tacotron2Output out = model.forward(batch, false, scope);
        // unweighted gate term, so trials that tune gate_positive_weight stay comparable
        LossTerms t = new Tacotron2Loss(new GuidedAttention(0, 1), 1.0).compute(out, batch,
                modelSettings.nFramesPerStep(), scope);
        double[] scores = AttentionSharpness.perUtterance(out.alignments(), batch.melLengths().toLongArray(),
                modelSettings.nFramesPerStep(), scope);
        return new ValidationBatch(t.total().getFloat(), t.mel().getFloat(), t.melPostnet().getFloat(),
                t.gate().getFloat(), scores, out.alignments());
    }

    /** One evaluated batch; alignments stay in the batch's scope. */
    public record ValidationBatch(double loss, double mel, double melPostnet, double gate, double[] sharpnessScores,
            NDArray alignments) {
    }

    /** This session's whole state at {@code epochsDone} completed epochs. */
    public Checkpoint checkpoint(int epochsDone, NDManager scope) {
        return new Checkpoint(epochsDone, adam.step(), settings.seed(), model.nSymbols(), model.nMels(),
                modelSettings.toString(), onCpu(model.params().all(), scope), onCpu(adam.state(), scope));
    }

    private Map<String, NDArray> onCpu(Map<String, NDArray> arrays, NDManager scope) {
        if (!device.isGpu()) {
            return arrays;
        }
        Map<String, NDArray> cpu = new LinkedHashMap<>();
        arrays.forEach((k, a) -> {
            NDArray c = a.toDevice(Device.cpu(), true);
            c.attach(scope);
            cpu.put(k, c);
        });
        return cpu;
    }
}
