package org.smarttuner.tts.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.eval.UtteranceVoice;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;

/**
 * Free-running synthesis of one text from a checkpoint (see {@link FreeRunning}): the postnet mel,
 * whether the gate stopped it, the alignment, and with a recording of the same text its voice
 * metrics. Without a recording the decoder may take max_decoder_steps steps; with one, {@code
 * maxLength} times the recording's frames, as in validation.
 */
public final class Synthesizer {
    private Synthesizer() {
    }

    /** The mel, whether the stop gate fired before the step limit, the alignment [steps][text], the metrics. */
    public record Synthesis(MelFrames mel, boolean stopped, float[][] alignment, Optional<UtteranceVoice> voice) {
    }

    /** How to judge a sample against its recording: the length allowed and the MCD coefficients. */
    public record Judging(MelFrames reference, double maxLength, int mcdCoefficients) {
    }

    public static Synthesis synthesize(Path checkpoint, ModelSettings settings, int[] text, Device device, long seed,
            Optional<Judging> judging) throws IOException {
        if (text.length == 0) {
            throw new IllegalArgumentException("nothing to speak: the text has no symbol the model knows after "
                    + "cleaning");
        }
        try (NoGradient noGradient = NoGradient.open(); NDManager root = NDManager.newBaseManager(device)) {
            Tacotron2 model;
            try (NDManager load = root.newSubManager(Device.cpu())) {
                Checkpoint c = Checkpoint.read(checkpoint, load);
                model = new Tacotron2(settings, c.nSymbols(), c.nMels(), root, device, c.weights());
            }
            if (judging.isPresent() && judging.get().reference().nMels() != model.nMels()) {
                throw new IllegalArgumentException("the recording's mel has " + judging.get().reference().nMels()
                        + " bands but the model makes " + model.nMels());
            }
            root.getEngine().setRandomSeed(Seeds.engine(seed)); // the prenet's dropout stays on
            try (NDManager scope = root.newSubManager(device)) {
                long[] ids = java.util.Arrays.stream(text).asLongStream().toArray();
                NDArray t = scope.create(ids, new Shape(1, ids.length));
                NDArray mask = scope.ones(new Shape(1, ids.length));
                int limit = judging.map(j -> FreeRunning.stepLimit(j.reference().frames(), j.maxLength(),
                        settings.nFramesPerStep())).orElse(settings.maxDecoderSteps());
                FreeRunning.Utterance u = FreeRunning.speak(model, t, mask, new long[] {ids.length},
                        new int[] {limit}, scope).get(0);
                Optional<UtteranceVoice> voice = judging.map(j -> UtteranceVoice.of(u.mel(), j.reference(),
                        u.stopped(), u.alignment(), u.steps(), ids.length, j.mcdCoefficients()));
                return new Synthesis(u.mel(), u.stopped(), u.alignment(), voice);
            }
        }
    }
}
