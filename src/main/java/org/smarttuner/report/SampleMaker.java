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
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.text.EncodedText;
import org.smarttuner.tts.text.TextEncoder;
import org.smarttuner.tts.train.AlignmentImage;
import org.smarttuner.tts.train.Checkpoint;
import org.smarttuner.tts.train.Synthesizer;

/**
 * Speaks one sentence with a checkpoint: free-running inference (stop gate, max_decoder_steps),
 * the alignment as a PNG, the postnet mel through Griffin-Lim into a WAV. Any failure becomes the
 * sample's note: a report is still worth having without its audio.
 */
public final class SampleMaker {
    private final ModelSettings model;
    private final AudioSettings audio;
    private final TextEncoder encoder;
    private final int iterations;
    private final long seed;

    public SampleMaker(ModelSettings model, AudioSettings audio, TextEncoder encoder, int iterations, long seed) {
        this.model = model;
        this.audio = audio;
        this.encoder = encoder;
        this.iterations = iterations;
        this.seed = seed;
    }

    public Sample make(Path checkpoint, String text) {
        if (!Files.isRegularFile(checkpoint)) {
            return Sample.missing(text, "the checkpoint " + checkpoint + " is gone (deleted or never written)");
        }
        Path tmp = null;
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
            EncodedText ids = encoder.encode(text);
            if (ids.ids().length == 0) {
                return Sample.missing(text, "the sample text has no character the model knows");
            }
            Synthesizer.Synthesis s = Synthesizer.synthesize(checkpoint, model, ids.ids(), Device.cpu(), seed,
                    java.util.Optional.empty());
            tmp = Files.createTempDirectory("smart-tuner-sample");
            Path png = tmp.resolve("alignment.png");
            Path wav = tmp.resolve("sample.wav");
            AlignmentImage.write(s.alignment(), png);
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                float[] samples = new GriffinLim(audio, iterations, seed).invert(s.mel(), m);
                WavWriter.write(wav, samples, audio.sampleRate());
            }
            String note = String.format(Locale.ROOT, "%d mel frames, %s; Griffin-Lim, %d iterations, %d Hz",
                    s.mel().frames(), s.stopped() ? "the stop gate fired" : "stopped at max_decoder_steps "
                            + model.maxDecoderSteps() + " (the gate never fired)", iterations, audio.sampleRate());
            return new Sample(text, Files.isRegularFile(png) ? Optional.of(Files.readAllBytes(png)) : Optional.empty(),
                    Optional.of(Files.readAllBytes(wav)), note);
        } catch (IOException | RuntimeException e) {
            return Sample.missing(text, "the checkpoint " + checkpoint + " could not be used: " + e.getMessage());
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
