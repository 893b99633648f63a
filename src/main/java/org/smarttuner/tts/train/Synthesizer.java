package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;

/**
 * Free-running synthesis from a checkpoint: text ids to the postnet mel, stopping at the gate
 * threshold or after max_decoder_steps (see {@link Tacotron2#infer}).
 */
public final class Synthesizer {
    private Synthesizer() {
    }

    /** The mel and whether the stop gate fired before the step cap. */
    public record Synthesis(MelFrames mel, boolean stopped, float[][] alignment) {
    }

    public static Synthesis synthesize(Path checkpoint, ModelSettings settings, int[] text, Device device)
            throws IOException {
        try (NDManager root = NDManager.newBaseManager(device)) {
            Tacotron2 model;
            try (NDManager load = root.newSubManager(Device.cpu())) {
                Checkpoint c = Checkpoint.read(checkpoint, load);
                model = new Tacotron2(settings, c.nSymbols(), c.nMels(), root, device, c.weights());
            }
            try (NDManager scope = root.newSubManager(device)) {
                long[] ids = java.util.Arrays.stream(text).asLongStream().toArray();
                NDArray t = scope.create(ids, new Shape(1, ids.length));
                NDArray mask = scope.ones(new Shape(1, ids.length));
                Tacotron2.Synthesis s = model.infer(t, mask, scope);
                int frames = (int) s.melPostnet().getShape().get(2);
                int steps = (int) s.alignments().getShape().get(1);
                float[] a = s.alignments().toFloatArray();
                float[][] align = new float[steps][ids.length];
                for (int i = 0; i < steps; i++) {
                    System.arraycopy(a, i * ids.length, align[i], 0, ids.length);
                }
                return new Synthesis(new MelFrames(s.melPostnet().toFloatArray(), model.nMels(), frames), s.stopped(),
                        align);
            }
        }
    }
}
