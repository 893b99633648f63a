package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.TrialCodec;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.study.distribution.FloatDistribution;
import org.smarttuner.tts.audio.Audio;
import org.smarttuner.tts.audio.WavReader;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.data.LjSpeechLayout;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.data.Utterance;
import org.smarttuner.tts.text.Symbols;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.SegmentTrainer;
import org.smarttuner.tts.train.TrainingSegment;

/**
 * `smart-tuner synthesize` with a real checkpoint (a tiny Tacotron2 trained one epoch on the
 * synthetic corpus, a few seconds) recorded as the best trial of a real SQLite study file; its files
 * read back by numpy and the WAV reader; and each bad input refused with exit code 2 and a message
 * that says what was wrong.
 */
class SynthesizeCommandTest {
    /** The trials' tuned setting: the checkpoint was trained with 0.2, the configuration says 0.1. */
    static final double TRIAL_DROPOUT = 0.2;

    @TempDir
    static Path dir;
    static Path configFile;
    static TunerConfig config;
    static Path sqlite;
    static Path checkpoint;
    static Utterance recorded;
    static Path recordedWav;
    static String recordedText;

    @BeforeAll
    static void trainedStudy() throws Exception {
        String yaml = tinyStudyConfig(dir, 2);
        configFile = dir.resolve("syn.yaml");
        Files.writeString(configFile, yaml);
        config = new ConfigLoader(k -> null, dir).loadText(yaml, configFile.toString(), List.of(), Map.of());
        Map<String, Object> params = Map.of("p_attention_dropout", TRIAL_DROPOUT);
        checkpoint = dir.resolve("ck/syn/trial-0/model.ckpt");
        PreparedDataset data = PreparedDatasets.get(config.data());
        SegmentTrainer.runOrThrow(new TrainingSegment(config.model(params), config.training(params), Device.cpu(), 0, 1,
                Optional.empty(), checkpoint, Optional.empty()),
                LoaderBatchSource.of(data, config.training().batchSize(), config.model().nFramesPerStep()));
        recorded = data.validation().items().get(0);
        recordedWav = new LjSpeechLayout(Path.of(config.data().path())).wav(recorded.id());
        StringBuilder text = new StringBuilder();
        for (int id : recorded.text()) {
            text.append(Symbols.symbol(id));
        }
        recordedText = text.toString();

        sqlite = dir.resolve("study.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(sqlite)) {
            st.createStudy("syn", StudyDirection.MINIMIZE);
            st.writeTrials("syn", List.of(
                    trial(0, TrialState.COMPLETE, 2.5, Map.of(TrialCodec.CHECKPOINT, checkpoint.toString())),
                    trial(1, TrialState.COMPLETE, 3.5, Map.of()),
                    trial(2, TrialState.PRUNED, null, Map.of(TrialCodec.CHECKPOINT,
                            dir.resolve("ck/syn/trial-2/model.ckpt").toString())),
                    trial(3, TrialState.COMPLETE, 2.75, Map.of(TrialCodec.CHECKPOINT, checkpoint.toString()))));
            st.createStudy("unfinished", StudyDirection.MINIMIZE);
            st.writeTrials("unfinished", List.of(trial(0, TrialState.FAIL, null, Map.of()),
                    trial(1, TrialState.RUNNING, null, Map.of())));
        }
    }

    /** A tiny Tacotron2 study on the synthetic corpus under {@code dir}, {@code r} frames a decoder step. */
    static String tinyStudyConfig(Path dir, int r) {
        return """
                study: {name: syn, n_trials: 4}
                search_space:
                  p_attention_dropout: {type: float, low: 0.0, high: 0.3}
                data: {corpus: synthetic, path: DIR/data, size: 8, val_fraction: 0.25}
                model: {preset: small, symbols_embedding_dim: 16, encoder_n_convolutions: 1, encoder_embedding_dim: 16,
                        attention_rnn_dim: 32, attention_dim: 16, attention_location_n_filters: 4,
                        attention_location_kernel_size: 7, decoder_rnn_dim: 32, prenet_dim: 16,
                        postnet_embedding_dim: 16, postnet_n_convolutions: 2, n_frames_per_step: FRAMES_PER_STEP,
                        max_decoder_steps: 40, p_attention_dropout: 0.1}
                training: {epochs: 1, batch_size: 4, free_run_utterances: 1}
                execution: {device: cpu, checkpoint_dir: DIR/ck}
                output: {delta_path: DIR/delta, sqlite_path: DIR/study.db}
                """.replace("DIR", dir.toAbsolutePath().toString()).replace("FRAMES_PER_STEP", String.valueOf(r));
    }

    static FrozenTrial trial(int n, TrialState state, Double value, Map<String, Object> sys) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * n);
        return new FrozenTrial(n, state, Map.of("p_attention_dropout", TRIAL_DROPOUT), Map.of("p_attention_dropout",
                FloatDistribution.of(0.0, 0.3)), Optional.ofNullable(value), new TreeMap<>(), Map.of(), sys,
                Optional.of(start), state.isFinished() ? Optional.of(start.plusSeconds(30)) : Optional.empty(), 0);
    }

    static MainTest.Run synthesize(String... more) {
        List<String> args = new ArrayList<>(List.of("synthesize", "-c", configFile.toString(),
                "--griffin-lim-iterations", "4"));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    static JsonNode json(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("synthesis.json").toFile());
    }

    /** numpy's view of the two arrays. */
    static JsonNode numpy(Path out) throws Exception {
        String mel = out.resolve("mel.npy").toString();
        String alignment = out.resolve("alignment.npy").toString();
        JsonNode j = new ObjectMapper().readTree(PythonEnv.run("npy_info.py", 120, mel, alignment));
        for (String f : List.of(mel, alignment)) {
            assertEquals("float32", j.get(f).get("dtype").asText(), f);
            assertFalse(j.get(f).get("fortran_order").asBoolean(), f);
            assertEquals("[1,0]", j.get(f).get("version").toString(), f);
            assertTrue(j.get(f).get("finite").asBoolean(), f);
        }
        return j;
    }

    @Test
    void theBestTrialSpeaksAndTheFilesAreWhatSynthesisJsonSays() throws Exception {
        Path out = dir.resolve("best");
        MainTest.Run r = synthesize("--sqlite", sqlite.toString(), "--study", "syn", "--text", "Abc, def!", "-o",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("with trial #0 of study syn (checkpoint " + checkpoint + ")"), r.out());
        assertTrue(r.out().matches("(?s).*\\d+ mel frames in \\d+ decoder steps?: .*"), r.out());
        assertTrue(r.out().contains("wrote " + out + ": speech.wav"), r.out());

        JsonNode j = json(out);
        assertEquals("Abc, def!", j.get("text").asText());
        assertEquals("abc, def!", j.get("cleaned_text").asText(), "english cleaners lowercase");
        assertEquals(9, j.get("symbols").asInt());
        assertEquals(0, j.get("trial").asInt());
        assertEquals("syn", j.get("study").asText());
        assertEquals(checkpoint.toString(), j.get("checkpoint").asText());
        assertEquals(40, j.get("step_limit").asInt(), "max_decoder_steps without a reference");
        assertEquals("model.max_decoder_steps", j.get("step_limit_from").asText());
        assertEquals(0.5, j.get("gate_threshold").asDouble());
        assertEquals(22050, j.get("sample_rate").asInt());
        assertFalse(j.has("mcd_db"), "no metrics without a reference");
        int frames = j.get("frames").asInt();
        int steps = j.get("decoder_steps").asInt();
        assertTrue(steps >= 1 && steps <= 40, "steps " + steps);
        assertEquals(steps * 2, frames, "n_frames_per_step frames a step");
        if (!j.get("stopped").asBoolean()) {
            assertEquals(40, steps, "a synthesis the gate did not stop runs to the limit");
        }

        JsonNode np = numpy(out);
        assertEquals("[80," + frames + "]", np.get(out.resolve("mel.npy").toString()).get("shape").toString(),
                "(n_mels, frames)");
        assertEquals("[" + steps + ",9]", np.get(out.resolve("alignment.npy").toString()).get("shape").toString(),
                "(decoder steps, text positions)");

        Audio wav = WavReader.read(out.resolve("speech.wav"), 22050);
        assertEquals(1, wav.channels());
        assertTrue(wav.samples().length >= (frames - 1) * 256, wav.samples().length + " samples for " + frames
                + " frames");
        assertEquals((double) wav.samples().length / 22050, j.get("seconds").asDouble(), 1e-9);
    }

    @Test
    void aReferenceJudgesTheSynthesisWithTheFeaturesTrainingUsed() throws Exception {
        // the recording's mel is computed exactly as the prepared dataset's
        assertArrayEquals(recorded.mel(), SynthesizeCommand.referenceMel(recordedWav, config.data().audio()).mel());

        Path out = dir.resolve("judged");
        MainTest.Run r = synthesize("--sqlite", sqlite.toString(), "--study", "syn", "--trial", "3", "--text",
                recordedText, "--reference", recordedWav.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("with trial #3 of study syn"), r.out());
        assertTrue(r.out().matches("(?s).*against " + java.util.regex.Pattern.quote(recordedWav.toString())
                + " \\(\\d+ frames\\): mcd \\d+\\.\\d\\d dB, stop error \\d\\.\\d{3}, attention \\d\\.\\d{3}.*"),
                r.out());
        JsonNode j = json(out);
        assertEquals(3, j.get("trial").asInt());
        assertEquals(recorded.frames(), j.get("reference_frames").asInt());
        assertEquals(recordedWav.toString(), j.get("reference").asText());
        int limit = (int) Math.ceil(2.0 * recorded.frames() / 2);
        assertEquals(limit, j.get("step_limit").asInt(), "free_run_max_length x the recording, as in validation");
        assertTrue(j.get("decoder_steps").asInt() <= limit);
        for (String m : List.of("mcd_db", "stop_error", "attention")) {
            assertTrue(j.get(m).isNumber() && Double.isFinite(j.get(m).asDouble()), m + ": " + j.get(m));
        }
        assertTrue(j.get("mcd_db").asDouble() >= 0);
        assertTrue(j.get("stop_error").asDouble() >= 0 && j.get("stop_error").asDouble() <= 1);
        assertTrue(j.get("attention").asDouble() >= 0 && j.get("attention").asDouble() <= 1);
        JsonNode np = numpy(out);
        assertEquals("[" + j.get("decoder_steps").asInt() + "," + recorded.textLength() + "]",
                np.get(out.resolve("alignment.npy").toString()).get("shape").toString());
    }

    @Test
    void aCheckpointFileSpeaksWithTheConfigurationsModelSettings() throws Exception {
        Path out = dir.resolve("file");
        MainTest.Run r = synthesize("--checkpoint", checkpoint.toString(), "--set", "model.p_attention_dropout="
                + TRIAL_DROPOUT, "--text", "abc", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("with checkpoint " + checkpoint), r.out());
        JsonNode j = json(out);
        assertTrue(j.get("trial").isNull());
        assertTrue(j.get("study").isNull());
        assertEquals(3, j.get("symbols").asInt());
    }

    @Test
    void aCheckpointTrainedWithOtherModelSettingsIsRefusedNamingTheSettings() {
        Path out = dir.resolve("other-settings");
        MainTest.Run r = synthesize("--checkpoint", checkpoint.toString(), "--text", "abc", "-o", out.toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("the checkpoint " + checkpoint + " was trained with other model settings than the "
                + "configuration gives"), r.err());
        assertTrue(r.err().contains("model.p_attention_dropout: 0.2 in the checkpoint, 0.1 here"), r.err());
        assertFalse(r.err().contains("model.prenet_dim"), "only what differs: " + r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void bothTrialAndCheckpointAreAUsageError() {
        MainTest.Run r = synthesize("--trial", "0", "--checkpoint", checkpoint.toString(), "--text", "abc", "-o",
                dir.resolve("both").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("give either --trial or --checkpoint, not both"), r.err());
    }

    @Test
    void anUnknownTrialNamesTheTrialsThere() {
        MainTest.Run r = synthesize("--sqlite", sqlite.toString(), "--study", "syn", "--trial", "9", "--text", "abc",
                "-o", dir.resolve("unknown").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--trial 9: study syn (SQLite study file " + sqlite + ") has no such trial; its "
                + "trials: 0-3"), r.err());
    }

    @Test
    void aTrialWithoutACheckpointIsAUsageError() {
        MainTest.Run r = synthesize("--sqlite", sqlite.toString(), "--study", "syn", "--trial", "1", "--text", "abc",
                "-o", dir.resolve("no-checkpoint").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("trial #1 (COMPLETE) of study syn has no checkpoint recorded"), r.err());
    }

    @Test
    void noCompletedTrialIsAUsageError() {
        MainTest.Run r = synthesize("--sqlite", sqlite.toString(), "--study", "unfinished", "--text", "abc", "-o",
                dir.resolve("unfinished").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("study unfinished (SQLite study file " + sqlite + ") has no completed trial, so "
                + "there is no best one to speak (1 running, 1 fail); give --trial N or --checkpoint PATH"), r.err());
    }

    @Test
    void aMissingCheckpointFileIsAUsageError() {
        Path gone = dir.resolve("gone.ckpt");
        MainTest.Run r = synthesize("--checkpoint", gone.toString(), "--text", "abc", "-o", dir.resolve("gone")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--checkpoint " + gone + ": no such file"), r.err());
        // a pruned trial's checkpoint was deleted by the job: the message says so
        r = synthesize("--sqlite", sqlite.toString(), "--study", "syn", "--trial", "2", "--text", "abc", "-o",
                dir.resolve("pruned").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("trial #2 (PRUNED) of study syn recorded the checkpoint "
                + dir.resolve("ck/syn/trial-2/model.ckpt") + ", but no such file is there (the job deletes the "
                + "checkpoints of failed trials, and of pruned ones but the one that trained longest"), r.err());
    }

    @Test
    void aFileThatIsNotACheckpointIsAUsageError() throws Exception {
        Path bogus = dir.resolve("bogus.ckpt");
        Files.writeString(bogus, "not a checkpoint");
        MainTest.Run r = synthesize("--checkpoint", bogus.toString(), "--text", "abc", "-o", dir.resolve("bogus")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("cannot read the checkpoint " + bogus + ": " + bogus + " is not a Smart Tuner "
                + "checkpoint"), r.err());
    }

    @Test
    void aTextWithNothingToSpeakIsAUsageError() {
        MainTest.Run r = synthesize("--checkpoint", checkpoint.toString(), "--text", "%%%", "-o", dir.resolve("empty")
                .toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--text \"%%%\" has nothing to speak: after cleaning (english) no character is a "
                + "symbol the model knows (3 dropped); allowed: "), r.err());
        // under unknown_chars: fail the first unknown character is named instead
        r = synthesize("--set", "data.unknown_chars=fail", "--checkpoint", checkpoint.toString(), "--text", "ab%",
                "-o", dir.resolve("empty").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--text: character '%' (U+0025) at position 2"), r.err());
        assertFalse(Files.exists(dir.resolve("empty")));
    }

    @Test
    void aMissingOrUnreadableReferenceIsAUsageError() throws Exception {
        Path none = dir.resolve("none.wav");
        MainTest.Run r = synthesize("--trial", "0", "--sqlite", sqlite.toString(), "--study", "syn", "--text", "abc",
                "--reference", none.toString(), "-o", dir.resolve("ref").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--reference " + none + ": no such file"), r.err());
        Path text = dir.resolve("text.wav");
        Files.writeString(text, "hello");
        r = synthesize("--trial", "0", "--sqlite", sqlite.toString(), "--study", "syn", "--text", "abc",
                "--reference", text.toString(), "-o", dir.resolve("ref").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--reference: cannot read " + text + ": not a WAV file (no RIFF/WAVE header)"),
                r.err());
        assertFalse(Files.exists(dir.resolve("ref")));
    }

    @Test
    void aReferenceAtAnotherSampleRateIsAUsageError() throws Exception {
        Path wav = dir.resolve("16k.wav");
        WavWriter.write(wav, new float[16000], 16000);
        MainTest.Run r = synthesize("--trial", "0", "--sqlite", sqlite.toString(), "--study", "syn", "--text", "abc",
                "--reference", wav.toString(), "-o", dir.resolve("16k").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--reference " + wav + " is at 16000 Hz, but the model speaks at "
                + "data.audio.sample_rate 22050 Hz; resample it"), r.err());
    }

    @Test
    void anOutputThatIsAFileIsAUsageError() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        MainTest.Run r = synthesize("--checkpoint", checkpoint.toString(), "--text", "abc", "-o", file.toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--output " + file + " is a file; give a folder"), r.err());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void checkpointAndAStudySourceDoNotGoTogether() {
        MainTest.Run r = synthesize("--checkpoint", checkpoint.toString(), "--sqlite", sqlite.toString(), "--text",
                "abc", "-o", dir.resolve("mixed").toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("--checkpoint names the file to speak with"), r.err());
    }

    @Test
    void trialNumbersAreListedAsRanges() {
        List<FrozenTrial> t = new ArrayList<>();
        for (int n : new int[] {0, 1, 2, 3, 5, 7, 8}) {
            t.add(trial(n, TrialState.RUNNING, null, Map.of()));
        }
        assertEquals("0-3, 5, 7-8", CheckpointChoice.numbers(t));
        assertEquals("none", CheckpointChoice.numbers(List.of()));
    }
}
