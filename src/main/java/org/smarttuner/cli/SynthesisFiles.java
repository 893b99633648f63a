package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.GriffinLim;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.audio.NpyWriter;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.eval.UtteranceVoice;
import org.smarttuner.tts.text.EncodedText;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.train.Synthesizer;

/**
 * What {@code synthesize} writes into its folder: the Griffin-Lim WAV to listen to, the postnet
 * log-mel as a vocoder takes it (mel.npy, (n_mels, frames)), the alignment (alignment.npy,
 * (decoder steps, text positions)), and synthesis.json saying what was spoken with what and how it
 * went, so a script needs nothing but the folder.
 */
final class SynthesisFiles {
    static final String SPEECH = "speech.wav";
    static final String MEL = "mel.npy";
    static final String ALIGNMENT = "alignment.npy";
    static final String JSON = "synthesis.json";

    /** The reference the synthesis was judged against. */
    record Reference(Path wav, MelFrames mel) {
    }

    /** Everything synthesis.json says besides the synthesis itself. */
    record Facts(String text, EncodedText encoded, CheckpointChoice checkpoint, int stepLimit, String stepLimitFrom,
                 AudioSettings audio, int griffinLimIterations, long seed, Optional<Reference> reference) {
    }

    private SynthesisFiles() {
    }

    /** Writes the four files into {@code dir} (created when missing) and returns synthesis.json's content. */
    static ObjectNode write(Path dir, Synthesizer.Synthesis s, Facts f) throws IOException {
        Files.createDirectories(dir);
        int samples;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] wav = new GriffinLim(f.audio(), f.griffinLimIterations(), f.seed()).invert(s.mel(), m);
            WavWriter.write(dir.resolve(SPEECH), wav, f.audio().sampleRate());
            samples = wav.length;
        }
        MelFrames mel = s.mel();
        NpyWriter.write(dir.resolve(MEL), mel.mel(), mel.nMels(), mel.frames());
        int textLength = f.encoded().ids().length;
        NpyWriter.write(dir.resolve(ALIGNMENT), s.alignment(), textLength);
        ObjectNode json = json(s, f, samples);
        Files.writeString(dir.resolve(JSON), MAPPER.writeValueAsString(json) + "\n");
        return json;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static ObjectNode json(Synthesizer.Synthesis s, Facts f, int samples) {
        ObjectNode j = MAPPER.createObjectNode();
        j.put("text", f.text());
        StringBuilder cleaned = new StringBuilder();
        for (int id : f.encoded().ids()) {
            cleaned.append(Symbols.symbol(id));
        }
        // what the model read: the cleaned text without the characters it has no symbol for
        j.put("cleaned_text", cleaned.toString());
        j.put("symbols", f.encoded().ids().length);
        j.put("dropped_characters", f.encoded().droppedCharacters());
        CheckpointChoice c = f.checkpoint();
        j.put("checkpoint", c.location());
        if (c.trial().isPresent()) {
            j.put("study", c.study().orElseThrow());
            j.put("trial", c.trial().get().number());
        } else {
            j.putNull("study");
            j.putNull("trial");
        }
        j.put("frames", s.mel().frames());
        j.put("decoder_steps", s.alignment().length);
        j.put("n_frames_per_step", c.model().nFramesPerStep());
        j.put("n_mels", s.mel().nMels());
        j.put("stopped", s.stopped());
        j.put("gate_threshold", c.model().gateThreshold());
        j.put("step_limit", f.stepLimit());
        j.put("step_limit_from", f.stepLimitFrom());
        j.put("sample_rate", f.audio().sampleRate());
        j.put("seconds", (double) samples / f.audio().sampleRate());
        j.put("griffin_lim_iterations", f.griffinLimIterations());
        j.put("seed", f.seed());
        ObjectNode files = j.putObject("files");
        files.put("speech", SPEECH);
        files.put("mel", MEL);
        files.put("alignment", ALIGNMENT);
        if (f.reference().isPresent()) {
            UtteranceVoice v = s.voice().orElseThrow();
            j.put("reference", f.reference().get().wav().toString());
            j.put("reference_frames", f.reference().get().mel().frames());
            j.put("mcd_db", v.mcd());
            j.put("stop_error", v.stopError());
            j.put("attention", v.attention());
        }
        return j;
    }
}
