package org.smarttuner.tts.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;

/**
 * Tacotron2's autoregressive decoder: prenet, attention LSTM, location-sensitive attention, decoder
 * LSTM, and the mel and stop-gate projections; {@code n_frames_per_step} frames per step.
 *
 * <p>Speed (the decoder is nearly all of a training step): the prenet and the prenet part of the
 * attention LSTM's input matmul run once for all steps (one big matmul instead of one per step);
 * each LSTM cell is one fused matmul over [input, h]; the mel and gate projections do not depend on
 * later steps, so they run once over all steps after the loop (one matmul, and in the backward pass
 * one weight-gradient matmul instead of hundreds). Per step this leaves about 40 native calls. In
 * training, the two LSTMs' recurrent weights get their gradients in one matmul after the backward
 * pass ({@link DeferredGradients}).
 */
final class Decoder {
    static final String ATTENTION_RECURRENT_WEIGHT = "decoder.attention_rnn.weight_context_hidden";
    static final String DECODER_WEIGHT = "decoder.decoder_rnn.weight";

    private final int nMels;
    private final int r;
    private final int attentionRnnDim;
    private final int decoderRnnDim;
    private final int encoderDim;
    private final float pAttention;
    private final float pDecoder;
    private final Prenet prenet;
    private final NDArray attentionInputWeight;
    private final NDArray attentionBias;
    private final NDArray attentionRecurrentWeight;
    private final NDArray decoderWeight;
    private final NDArray decoderBias;
    private final NDArray melWeight;
    private final NDArray melBias;
    private final NDArray gateWeight;
    private final NDArray gateBias;
    private final LocationSensitiveAttention attention;

    Decoder(Params p, ModelSettings s, int nMels) {
        this.nMels = nMels;
        r = s.nFramesPerStep();
        attentionRnnDim = s.attentionRnnDim();
        decoderRnnDim = s.decoderRnnDim();
        encoderDim = s.encoderEmbeddingDim();
        pAttention = (float) s.pAttentionDropout();
        pDecoder = (float) s.pDecoderDropout();
        prenet = new Prenet(p, s, nMels);
        double ab = 1.0 / Math.sqrt(attentionRnnDim);
        attentionInputWeight = p.uniform("decoder.attention_rnn.weight_prenet",
                new Shape(4L * attentionRnnDim, s.prenetDim()), ab);
        attentionRecurrentWeight = p.uniform(ATTENTION_RECURRENT_WEIGHT,
                new Shape(4L * attentionRnnDim, encoderDim + attentionRnnDim), ab);
        attentionBias = p.uniform("decoder.attention_rnn.bias", new Shape(4L * attentionRnnDim), ab);
        attention = new LocationSensitiveAttention(p, s);
        double db = 1.0 / Math.sqrt(decoderRnnDim);
        decoderWeight = p.uniform(DECODER_WEIGHT,
                new Shape(4L * decoderRnnDim, attentionRnnDim + encoderDim + decoderRnnDim), db);
        decoderBias = p.uniform("decoder.decoder_rnn.bias", new Shape(4L * decoderRnnDim), db);
        int projIn = decoderRnnDim + encoderDim;
        melWeight = p.xavier("decoder.mel_projection.weight", new Shape((long) nMels * r, projIn), Gains.LINEAR);
        melBias = p.uniform("decoder.mel_projection.bias", new Shape((long) nMels * r), 1.0 / Math.sqrt(projIn));
        gateWeight = p.xavier("decoder.gate.weight", new Shape(r, projIn), Gains.SIGMOID);
        gateBias = p.uniform("decoder.gate.bias", new Shape(r), 1.0 / Math.sqrt(projIn));
    }

    /** Recurrent state between steps; states are (1, B, H), weights (B, 1, T). */
    private final class State {
        NDArray attH;
        NDArray attC;
        NDArray decH;
        NDArray decC;
        NDArray context;
        NDArray weights;
        NDArray cumulative;
        private final NDArray recurrentWeight;
        private final NDArray decoderStepWeight;
        /** When not null, every step's LSTM inputs are kept here for {@link DeferredGradients}. */
        private final NDList attentionInputs;
        private final NDList decoderInputs;

        State(NDManager scope, long b, long t) {
            this(scope, b, t, attentionRecurrentWeight, decoderWeight, false);
        }

        State(NDManager scope, long b, long t, NDArray recurrentWeight, NDArray decoderStepWeight, boolean keepInputs) {
            this.recurrentWeight = recurrentWeight;
            this.decoderStepWeight = decoderStepWeight;
            attentionInputs = keepInputs ? new NDList() : null;
            decoderInputs = keepInputs ? new NDList() : null;
            attH = scope.zeros(new Shape(1, b, attentionRnnDim));
            attC = attH;
            decH = scope.zeros(new Shape(1, b, decoderRnnDim));
            decC = decH;
            context = scope.zeros(new Shape(1, b, encoderDim));
            weights = scope.zeros(new Shape(b, 1, t));
            cumulative = weights;
        }

        /**
         * One decoder step given this step's precomputed attention-LSTM input gates (1, B, 4H) and
         * the decoder LSTM's bias (its own slice per step when gradients are deferred).
         */
        void step(NDArray inputGates, NDArray decoderStepBias, LocationSensitiveAttention.Memory m,
                boolean training) {
            long b = weights.getShape().get(0);
            NDArray attentionInput = NDArrays.concat(new NDList(context, attH), 2);
            NDArray gates = Linear.linear(attentionInput, recurrentWeight, inputGates).singletonOrThrow();
            LstmCell att = LstmCell.step(gates, attC, attentionRnnDim);
            attH = Dropout.dropout(att.h(), pAttention, training).singletonOrThrow();
            attC = att.c();
            LocationSensitiveAttention.Result a = attention.step(m, attH,
                    NDArrays.concat(new NDList(weights, cumulative), 1));
            weights = a.weights();
            cumulative = cumulative.add(weights);
            context = a.context().reshape(1, b, encoderDim);
            NDArray decoderInput = NDArrays.concat(new NDList(attH, context, decH), 2);
            NDArray decGates = Linear.linear(decoderInput, decoderStepWeight, decoderStepBias).singletonOrThrow();
            if (attentionInputs != null) {
                attentionInputs.add(attentionInput);
                decoderInputs.add(decoderInput);
            }
            LstmCell dec = LstmCell.step(decGates, decC, decoderRnnDim);
            decH = Dropout.dropout(dec.h(), pDecoder, training).singletonOrThrow();
            decC = dec.c();
        }
    }

    /**
     * Teacher forcing: the input of step s is the last real frame of step s-1 (a zero "go" frame
     * for s = 0).
     *
     * @param target (B, n_mels, F), F a multiple of n_frames_per_step
     * @param deferGradients compute the recurrent weights' gradients after the backward pass
     *     ({@link DeferredGradients}); only for a pass whose loss is backpropagated
     */
    Tacotron2Output teacherForced(NDArray memory, NDArray textMask, NDArray target, boolean training,
            boolean deferGradients, NDManager scope) {
        long b = target.getShape().get(0);
        long frames = target.getShape().get(2);
        long steps = frames / r;
        long t = memory.getShape().get(1);
        LocationSensitiveAttention.Memory m = attention.prepare(memory, textMask, scope);
        NDArray grouped = target.transpose(0, 2, 1).reshape(b, steps, (long) r * nMels);
        NDArray previous = grouped.get(new NDIndex(":, :-1, {}:", (long) (r - 1) * nMels));
        NDArray inputs = NDArrays.concat(new NDList(scope.zeros(new Shape(b, 1, nMels)), previous), 1);
        NDArray pre = prenet.apply(inputs.transpose(1, 0, 2));
        NDArray allInputGates = Linear.linear(pre, attentionInputWeight, attentionBias).singletonOrThrow();
        State st;
        NDList decoderBiases;
        NDArray attentionSlot = null;
        NDArray decoderSlot = null;
        if (deferGradients) {
            attentionSlot = gradientSlot(scope, steps, b, attentionRnnDim);
            decoderSlot = gradientSlot(scope, steps, b, decoderRnnDim);
            allInputGates = allInputGates.add(attentionSlot);
            // the bias rides on the slot: autograd sums its gradient over all steps once
            decoderBiases = decoderSlot.add(decoderBias).split(steps, 0);
            st = new State(scope, b, t, local(attentionRecurrentWeight.stopGradient(), scope),
                    local(decoderWeight.stopGradient(), scope), true);
        } else {
            decoderBiases = null;
            st = new State(scope, b, t);
        }
        NDList inputGates = allInputGates.split(steps, 0);
        NDList hs = new NDList((int) steps);
        NDList contexts = new NDList((int) steps);
        NDList weights = new NDList((int) steps);
        for (int s = 0; s < steps; s++) {
            st.step(inputGates.get(s), decoderBiases == null ? decoderBias : decoderBiases.get(s), m, training);
            hs.add(st.decH);
            contexts.add(st.context);
            weights.add(st.weights);
        }
        NDArray features = NDArrays.concat(new NDList(NDArrays.concat(hs, 0), NDArrays.concat(contexts, 0)), 2);
        NDList projected = project(features, scope);
        NDArray mel = projected.get(0).transpose(1, 0, 2).reshape(b, frames, nMels).transpose(0, 2, 1);
        NDArray gate = projected.get(1).transpose(1, 0, 2).reshape(b, frames);
        DeferredGradients deferred = DeferredGradients.NONE;
        if (deferGradients) {
            deferred = new DeferredGradients(List.of(
                    new DeferredGradients.Pending(ATTENTION_RECURRENT_WEIGHT, attentionSlot,
                            NDArrays.concat(st.attentionInputs, 0).stopGradient()),
                    new DeferredGradients.Pending(DECODER_WEIGHT, decoderSlot,
                            NDArrays.concat(st.decoderInputs, 0).stopGradient())));
        }
        return new Tacotron2Output(mel, null, gate, NDArrays.concat(weights, 1), deferred);
    }

    /** A zero leaf (S, B, 4H) added to the gates: its gradient is every step's gate gradient. */
    private static NDArray gradientSlot(NDManager scope, long steps, long b, int hidden) {
        NDArray slot = scope.zeros(new Shape(steps, b, 4L * hidden));
        slot.setRequiresGradient(true);
        return slot;
    }

    private static NDArray local(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /** (S, B, D + E) to mel (S, B, n_mels * r) and gate logits (S, B, r) with one matmul. */
    private NDList project(NDArray features, NDManager scope) {
        NDArray weight = NDArrays.concat(new NDList(melWeight, gateWeight), 0);
        weight.attach(scope);
        NDArray bias = NDArrays.concat(new NDList(melBias, gateBias), 0);
        bias.attach(scope);
        return Linear.linear(features, weight, bias).singletonOrThrow().split(new long[] {(long) nMels * r}, 2);
    }

    /**
     * Free running, batched: each step reads its own previous output (the last frame of its previous
     * step). Row b stops at the first step at which any of its r gate probabilities passes the
     * threshold (training labels a step as a whole, see the batcher), or after {@code maxSteps[b]} steps
     * without stopping; the loop ends when every row has done one or the other. Rows that are done keep
     * being computed with the others (the batch stays one matmul) and their later frames are cut off.
     *
     * @param maxSteps per row, the steps after which it counts as never stopping (each at least 1)
     */
    Inference infer(NDArray memory, NDArray textMask, float gateThreshold, int[] maxSteps, NDManager scope) {
        long b = memory.getShape().get(0);
        long t = memory.getShape().get(1);
        if (maxSteps.length != b) {
            throw new IllegalArgumentException(maxSteps.length + " step limits for a batch of " + b);
        }
        int longest = 0;
        for (int m : maxSteps) {
            if (m < 1) {
                throw new IllegalArgumentException("a step limit must be at least 1, got " + m);
            }
            longest = Math.max(longest, m);
        }
        LocationSensitiveAttention.Memory m = attention.prepare(memory, textMask, scope);
        State st = new State(scope, b, t);
        NDArray frame = scope.zeros(new Shape(1, b, nMels));
        List<NDArray> mels = new ArrayList<>();
        List<NDArray> gates = new ArrayList<>();
        List<NDArray> weights = new ArrayList<>();
        int[] steps = new int[(int) b];
        boolean[] stopped = new boolean[(int) b];
        int open = (int) b;
        for (int s = 0; s < longest && open > 0; s++) {
            NDArray inputGates = Linear.linear(prenet.apply(frame), attentionInputWeight, attentionBias)
                    .singletonOrThrow();
            st.step(inputGates, decoderBias, m, false);
            NDList out = project(NDArrays.concat(new NDList(st.decH, st.context), 2), scope);
            mels.add(out.get(0));
            gates.add(out.get(1));
            weights.add(st.weights);
            frame = out.get(0).get(new NDIndex("..., {}:", (long) (r - 1) * nMels));
            // (1, B, r) -> per row the largest gate probability of this step
            float[] p = Activation.sigmoid(out.get(1)).max(new int[] {2}).toFloatArray();
            for (int i = 0; i < b; i++) {
                if (steps[i] != 0) {
                    continue;
                }
                if (p[i] > gateThreshold) {
                    stopped[i] = true;
                    steps[i] = s + 1;
                    open--;
                } else if (s + 1 >= maxSteps[i]) {
                    steps[i] = s + 1;
                    open--;
                }
            }
        }
        long total = mels.size();
        NDArray mel = NDArrays.concat(new NDList(mels), 0).transpose(1, 0, 2).reshape(b, total * r, nMels)
                .transpose(0, 2, 1);
        NDArray gate = NDArrays.concat(new NDList(gates), 0).transpose(1, 0, 2).reshape(b, total * r);
        int[] frames = new int[(int) b];
        for (int i = 0; i < b; i++) {
            frames[i] = steps[i] * r;
        }
        return new Inference(mel, gate, NDArrays.concat(new NDList(weights), 1), frames, steps, stopped);
    }

    /**
     * A free-running batch: mel (B, n_mels, F) and gate logits (B, F) with F the longest row's frames
     * (later frames of shorter rows are past their end), alignments (B, S, T); per row its frames,
     * decoder steps and whether its gate stopped it.
     */
    record Inference(NDArray mel, NDArray gate, NDArray alignments, int[] frames, int[] steps, boolean[] stopped) {
    }
}
