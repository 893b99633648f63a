package org.smarttuner.tts.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Pads items into the host arrays of a {@link Batch} and creates each array once in the manager. */
final class BatchAssembler {
    private BatchAssembler() {
    }

    static Batch assemble(List<Utterance> items, int nMels, int reductionFactor, NDManager manager) {
        int b = items.size();
        int maxText = 0;
        int maxFrames = 0;
        for (Utterance u : items) {
            maxText = Math.max(maxText, u.textLength());
            maxFrames = Math.max(maxFrames, u.frames());
        }
        int frames = (maxFrames + reductionFactor - 1) / reductionFactor * reductionFactor;

        long[] text = new long[b * maxText];
        long[] textLengths = new long[b];
        float[] mel = new float[b * nMels * frames];
        float[] gate = new float[b * frames];
        long[] melLengths = new long[b];
        float[] textMask = new float[b * maxText];
        float[] melMask = new float[b * frames];
        float[] gateMask = new float[b * frames];
        for (int i = 0; i < b; i++) {
            Utterance u = items.get(i);
            int t = u.textLength();
            int f = u.frames();
            for (int j = 0; j < t; j++) {
                text[i * maxText + j] = u.text()[j];
                textMask[i * maxText + j] = 1f;
            }
            textLengths[i] = t;
            melLengths[i] = f;
            float[] src = u.mel();
            for (int m = 0; m < nMels; m++) {
                System.arraycopy(src, m * f, mel, (i * nMels + m) * frames, f);
            }
            // The gate target says "stop" on every frame of the decoder step that holds the last real
            // frame, and after it. Free-running inference decides per step, so a step is labelled as a
            // whole: with n_frames_per_step > 1 the old "last frame only" label gave the final step one
            // "go on" frame and one "stop" frame, and a rule over the step could not learn to fire.
            int lastStep = (f - 1) / reductionFactor * reductionFactor;
            int stepsEnd = lastStep + reductionFactor;
            for (int j = lastStep; j < frames; j++) {
                gate[i * frames + j] = 1f;
            }
            for (int j = 0; j < f; j++) {
                melMask[i * frames + j] = 1f;
            }
            for (int j = 0; j < Math.min(stepsEnd, frames); j++) {
                gateMask[i * frames + j] = 1f;
            }
        }
        NDList list = new NDList(Batch.SIZE);
        list.add(named(manager.create(text, new Shape(b, maxText)), "text"));
        list.add(named(manager.create(textLengths, new Shape(b)), "text_lengths"));
        list.add(named(manager.create(mel, new Shape(b, nMels, frames)), "mel"));
        list.add(named(manager.create(gate, new Shape(b, frames)), "gate"));
        list.add(named(manager.create(melLengths, new Shape(b)), "mel_lengths"));
        list.add(named(manager.create(textMask, new Shape(b, maxText)), "text_mask"));
        list.add(named(manager.create(melMask, new Shape(b, frames)), "mel_mask"));
        list.add(named(manager.create(gateMask, new Shape(b, frames)), "gate_mask"));
        return new Batch(list);
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }
}
