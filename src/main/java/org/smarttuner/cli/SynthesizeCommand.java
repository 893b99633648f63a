package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.Checkpoints;
import org.smarttuner.tts.audio.Audio;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.audio.MelSpectrogram;
import org.smarttuner.tts.audio.WavReader;
import org.smarttuner.tts.eval.UtteranceVoice;
import org.smarttuner.tts.text.EncodedText;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.text.TextEncoder;
import org.smarttuner.tts.text.UnknownCharacterException;
import org.smarttuner.tts.train.FreeRunning;
import org.smarttuner.tts.train.Synthesizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Speaks one text with a checkpoint, free-running, through the same {@link Synthesizer} path as
 * the report's sample and validation, and writes what a user listens to, what a vocoder takes, and
 * what a script reads. With a recording of the text it also judges the synthesis as validation
 * does (MCD-DTW, stop error, attention walk).
 */
@Command(name = "synthesize", mixinStandardHelpOptions = true,
        description = {"Speak a text with a trained checkpoint: the study's best completed trial (default),",
            "--trial N, or --checkpoint PATH. Writes speech.wav (Griffin-Lim), mel.npy (the postnet",
            "log-mel, (n_mels, frames), for a HiFi-GAN or WaveGlow vocoder), alignment.npy ((decoder",
            "steps, text positions)) and synthesis.json. With --reference WAV (a recording of the same",
            "text) the synthesis is judged: MCD-DTW, stop error and attention walk."})
final class SynthesizeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Mixin
    StudySourceOptions source;

    @Mixin
    CheckpointOptions which;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "What to say (cleaned with "
            + "data.text_cleaners; characters without a symbol are handled per data.unknown_chars).")
    String text;

    @Option(names = "--reference", paramLabel = "WAV", description = "A recording of the same text at "
            + "data.audio.sample_rate: judges the synthesis against it, and limits the decoder to "
            + "training.free_run_max_length times its length as validation does.")
    Path reference;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Folder for the files "
            + "(created; files of an earlier synthesis there are replaced).")
    Path output;

    @Option(names = "--griffin-lim-iterations", defaultValue = "32", paramLabel = "N",
            description = "Griffin-Lim iterations for speech.wav (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu or gpu:N (default: execution.device; "
            + "auto = gpu:0 if present).")
    String device;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        TunerConfig config = options.load();
        Device dev = device != null ? BenchTrainCommand.parseDevice(device) : TrainCommand.configured(
                config.execution().device());
        EncodedText encoded = encode(config);
        AudioSettings audio = config.data().audio();
        Optional<SynthesisFiles.Reference> ref = reference == null ? Optional.empty()
                : Optional.of(new SynthesisFiles.Reference(reference.toAbsolutePath().normalize(),
                        referenceMel(reference, audio)));
        CheckpointChoice choice = which.choose(source, config);
        try {
            choice.checkModelSettings();
            Optional<Synthesizer.Judging> judging = ref.map(r -> new Synthesizer.Judging(r.mel(),
                    config.training().freeRunMaxLength(), config.training().mcdCoefficients()));
            // the limit Synthesizer applies, said in synthesis.json so a stop at it can be told from the gate's
            int limit = ref.map(r -> FreeRunning.stepLimit(r.mel().frames(), config.training().freeRunMaxLength(),
                    choice.model().nFramesPerStep())).orElse(choice.model().maxDecoderSteps());
            String limitFrom = ref.isPresent()
                    ? "training.free_run_max_length x the reference's frames / model.n_frames_per_step"
                    : "model.max_decoder_steps";
            long seed = config.training().seed();
            Synthesizer.Synthesis s = Synthesizer.synthesize(choice.local(), choice.model(), encoded.ids(), dev, seed,
                    judging);
            double seconds = SynthesisFiles.write(output, s, new SynthesisFiles.Facts(text, encoded, choice, limit,
                    limitFrom, audio, iterations, seed, ref)).get("seconds").asDouble();
            summary(s, encoded, choice, limit, limitFrom, ref, audio.sampleRate(), seconds);
            return Main.OK;
        } finally {
            if (choice.temporary()) {
                Files.deleteIfExists(choice.local());
            }
        }
    }

    /** What picocli cannot check, before anything is read. */
    private void checkOptions() {
        which.check(source, "speak with");
        if (iterations < 1) {
            throw new UsageException("--griffin-lim-iterations must be >= 1, got " + iterations);
        }
        checkOutputFolder(output);
    }

    /** The output must be a folder or a place one can be made. */
    static void checkOutputFolder(Path output) {
        Path abs = output.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new UsageException("--output " + output + " is a file; give a folder (it is created when missing, "
                    + "and the files of an earlier synthesis in it are replaced)");
        }
        Path dir = abs;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UsageException("cannot make the folder " + output + ": " + dir + " is not a folder");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException("cannot write into " + output + ": folder " + dir + " is not writable");
        }
    }

    private EncodedText encode(TunerConfig config) {
        EncodedText e;
        try {
            e = TextEncoder.of(config.data().textCleaners(), config.data().unknownChars()).encode(text);
        } catch (UnknownCharacterException ex) {
            throw new UsageException("--text: " + ex.getMessage());
        }
        if (e.ids().length == 0) {
            throw new UsageException("--text \"" + text + "\" has nothing to speak: after cleaning ("
                    + config.data().textCleaners() + ") no character is a symbol the model knows (" + e
                    .droppedCharacters() + " dropped); allowed: " + Symbols.allowed());
        }
        return e;
    }

    /**
     * The recording's log-mel exactly as training computed its features (DatasetPreparer: the WAV as
     * read, refused at another sample rate, through the configured {@link MelSpectrogram}).
     */
    static MelFrames referenceMel(Path wav, AudioSettings audio) {
        Audio a;
        try {
            a = WavReader.read(wav);
        } catch (NoSuchFileException e) {
            throw new UsageException("--reference " + wav + ": no such file");
        } catch (IOException e) {
            // AudioFormatException names the file and what is allowed; other I/O errors do not
            throw new UsageException("--reference: cannot read " + (e.getMessage() != null
                    && e.getMessage().contains(wav.toString()) ? e.getMessage() : wav + ": " + e));
        }
        if (a.sampleRate() != audio.sampleRate()) {
            throw new UsageException("--reference " + wav + " is at " + a.sampleRate() + " Hz, but the model speaks at "
                    + "data.audio.sample_rate " + audio.sampleRate() + " Hz; resample it (e.g. sox " + wav + " -r "
                    + audio.sampleRate() + " out.wav)");
        }
        MelSpectrogram mels = new MelSpectrogram(audio);
        if (a.samples().length < mels.minSamples()) {
            throw new UsageException("--reference " + wav + " has " + a.samples().length + " samples; the STFT needs "
                    + "at least " + mels.minSamples() + " (filter_length / 2 + 1)");
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return mels.compute(a.samples(), m);
        }
    }

    private void summary(Synthesizer.Synthesis s, EncodedText encoded, CheckpointChoice choice, int limit,
            String limitFrom, Optional<SynthesisFiles.Reference> ref, int sampleRate, double seconds) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "synthesized \"%s\" (%d symbols%s) with %s%n", text, encoded.ids().length,
                encoded.droppedCharacters() > 0 ? ", " + encoded.droppedCharacters() + " characters dropped" : "",
                choice.describe());
        out.printf(Locale.ROOT, "  %d mel frames in %d decoder step%s: %s%n", s.mel().frames(), s.alignment().length,
                s.alignment().length == 1 ? "" : "s",
                s.stopped() ? "the stop gate fired" : "the gate never fired, stopped at the step limit " + limit
                        + " (" + limitFrom + ")");
        if (ref.isPresent()) {
            UtteranceVoice v = s.voice().orElseThrow();
            out.printf(Locale.ROOT, "  against %s (%d frames): mcd %.2f dB, stop error %.3f, attention %.3f%n",
                    ref.get().wav(), ref.get().mel().frames(), v.mcd(), v.stopError(), v.attention());
        }
        out.printf(Locale.ROOT, "  wrote %s: %s (%.2f s at %d Hz, Griffin-Lim %d iterations), %s (%d x %d), %s (%d x "
                + "%d), %s%n", output, SynthesisFiles.SPEECH, seconds, sampleRate, iterations, SynthesisFiles.MEL, s.mel().nMels(),
                s.mel().frames(), SynthesisFiles.ALIGNMENT, s.alignment().length, encoded.ids().length,
                SynthesisFiles.JSON);
        out.flush();
    }
}
