package org.smarttuner.report;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.GriffinLim;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.text.EncodedText;
import org.smarttuner.tts.text.TextEncoder;
import org.smarttuner.tts.train.AlignmentImage;
import org.smarttuner.tts.train.Checkpoint;
import org.smarttuner.tts.train.Synthesizer;

/**
 * Speaks one sentence with a checkpoint through {@link Synthesizer} (the path {@code smart-tuner
 * synthesize} takes): free-running inference, the alignment and mel as PNGs, the postnet mel through
 * Griffin-Lim into a WAV, and with a recording the voice metrics against it. Nothing is written to
 * disk. Any failure becomes the sample's note: a report is still worth having without its audio.
 */
public final class SampleMaker {
    private final ModelSettings model;
    private final AudioSettings audio;
    private final TextEncoder encoder;
    private final int iterations;
    private final long seed;
    private final double maxLength;
    private final int mcdCoefficients;

    public SampleMaker(ModelSettings model, AudioSettings audio, TextEncoder encoder, int iterations, long seed,
            double maxLength, int mcdCoefficients) {
        this.maxLength = maxLength;
        this.mcdCoefficients = mcdCoefficients;
        this.model = model;
        this.audio = audio;
        this.encoder = encoder;
        this.iterations = iterations;
        this.seed = seed;
    }

    /** Speaks {@code text} (encoded with the configured cleaners) with no recording to compare with. */
    public Sample make(Path checkpoint, String text) {
        EncodedText ids = encoder.encode(text);
        if (ids.ids().length == 0) {
            return Sample.missing(text, "the sample text has no character the model knows");
        }
        return make(checkpoint, text, ids.ids(), Optional.empty());
    }

    /**
     * Speaks the symbols {@code ids} (shown as {@code text}); with the recording's mel the decoder may
     * take {@code maxLength} times its frames, as in validation, and the sample carries the voice
     * metrics against it.
     */
    public Sample make(Path checkpoint, String text, int[] ids, Optional<MelFrames> recorded) {
        if (!Files.isRegularFile(checkpoint)) {
            return Sample.missing(text, "the checkpoint " + checkpoint + " is gone (deleted or never written)");
        }
        try {
            String trained;
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                trained = Checkpoint.read(checkpoint, m).modelSettings();
            }
            if (!trained.equals(model.toString())) {
                return Sample.missing(text, "the checkpoint " + checkpoint + " was trained with other model settings "
                        + "than the configuration gives for this trial (pass the study's configuration with -c)"
                        + "\n  checkpoint: " + trained + "\n  configuration: " + model);
            }
            Synthesizer.Synthesis s = Synthesizer.synthesize(checkpoint, model, ids, Device.cpu(), seed,
                    recorded.map(r -> new Synthesizer.Judging(r, maxLength, mcdCoefficients)));
            byte[] wav;
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                float[] samples = new GriffinLim(audio, iterations, seed).invert(s.mel(), m);
                wav = WavWriter.encode(samples, audio.sampleRate());
            }
            float[] range = MelImage.range(recorded.orElse(s.mel()));
            String length = recorded.map(r -> String.format(Locale.ROOT, "%d mel frames against the recording's %d",
                    s.mel().frames(), r.frames())).orElse(s.mel().frames() + " mel frames");
            String stop = s.stopped() ? "the stop gate fired" : "never stopped: cut at the step limit ("
                    + (recorded.isPresent() ? maxLength + "x the recording" : "max_decoder_steps "
                            + model.maxDecoderSteps()) + ")";
            String note = String.format(Locale.ROOT, "%s, %s; Griffin-Lim, %d iterations, %d Hz", length, stop,
                    iterations, audio.sampleRate());
            return new Sample("", text, Optional.of(AlignmentImage.png(s.alignment())), Optional.of(wav),
                    Optional.of(MelImage.png(s.mel(), range)), recorded.map(r -> MelImage.png(r, range)), s.voice(),
                    note);
        } catch (IOException | RuntimeException e) {
            return Sample.missing(text, "the checkpoint " + checkpoint + " could not be used: " + e.getMessage());
        }
    }
}
