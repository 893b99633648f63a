package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.TrialCodec;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.interop.EngineTensors;
import org.smarttuner.tts.interop.HostTensor;
import org.smarttuner.tts.interop.NvidiaTacotron2;
import org.smarttuner.tts.interop.WeightFiles;
import org.smarttuner.tts.train.Checkpoint;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.SegmentTrainer;
import org.smarttuner.tts.train.TrainingSegment;

/**
 * `smart-tuner export` of a real checkpoint (a tiny Tacotron2 trained one epoch, recorded as a
 * study's best trial): the file loads strictly into a PyTorch Tacotron2 with NVIDIA's names, reads
 * back to the same weights, and every bad request is refused with what to do.
 */
class ExportCommandTest {
    @TempDir
    static Path dir;
    static Path configFile;
    static Path checkpoint;
    static Path sqlite;

    @BeforeAll
    static void trainedStudy() throws Exception {
        String yaml = SynthesizeCommandTest.tinyStudyConfig(dir, 1);
        configFile = dir.resolve("syn.yaml");
        Files.writeString(configFile, yaml);
        TunerConfig config = new ConfigLoader(k -> null, dir).loadText(yaml, configFile.toString(), List.of(), Map.of());
        Map<String, Object> params = Map.of("p_attention_dropout", 0.2);
        checkpoint = dir.resolve("ck/syn/trial-0/model.ckpt");
        PreparedDataset data = PreparedDatasets.get(config.data());
        SegmentTrainer.runOrThrow(new TrainingSegment(config.model(params), config.training(params), Device.cpu(), 0, 1,
                Optional.empty(), checkpoint, Optional.empty()),
                LoaderBatchSource.of(data, config.training().batchSize(), config.model().nFramesPerStep()));
        sqlite = dir.resolve("study.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(sqlite)) {
            st.createStudy("syn", StudyDirection.MINIMIZE);
            st.writeTrials("syn", List.of(SynthesizeCommandTest.trial(0, TrialState.COMPLETE, 2.5,
                    Map.of(TrialCodec.CHECKPOINT, checkpoint.toString()))));
        }
    }

    private static Map<String, HostTensor> checkpointWeights() throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return EngineTensors.fromArrays(Checkpoint.read(checkpoint, m).weights());
        }
    }

    @Test
    void theBestTrialExportsToAFileNvidiasTacotron2LoadsStrictly() throws Exception {
        Path pt = dir.resolve("voice.pt");
        MainTest.Run r = MainTest.run("export", "-c", configFile.toString(), "--sqlite", sqlite.toString(), "-o",
                pt.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trial #0 of study syn") && r.out().contains("n_symbols=148"), r.out());
        String loaded = PythonEnv.run("nvidia_tacotron2.py", 300, "load", "--weights", pt.toString());
        assertTrue(loaded.contains("\"finite\": true") && loaded.contains("\"n_symbols\": 148"), loaded);

        Map<String, HostTensor> back = NvidiaTacotron2.toOurs(pt.toString(), WeightFiles.read(pt).tensors(),
                new ConfigLoader(k -> null, dir).load(configFile, List.of(), Map.of()).model(Map.of(
                        "p_attention_dropout", 0.2)), org.smarttuner.tts.text.Symbols.count(), 80, Set.of());
        Map<String, HostTensor> original = checkpointWeights();
        assertEquals(original.keySet(), back.keySet());
        original.forEach((k, v) -> assertArrayEquals(v.data(), back.get(k).data(), 1e-6f, k));
    }

    @Test
    void aCheckpointFileExportsToSafetensors() throws Exception {
        Path st = dir.resolve("voice.safetensors");
        MainTest.Run r = MainTest.run("export", "-c", configFile.toString(), "--set", "model.p_attention_dropout=0.2",
                "--checkpoint", checkpoint.toString(), "-o", st.toString());
        assertEquals(0, r.code(), r.err());
        String loaded = PythonEnv.run("nvidia_tacotron2.py", 300, "load", "--weights", st.toString());
        assertTrue(loaded.contains("\"finite\": true"), loaded);
    }

    @Test
    void badRequestsAreRefusedSayingWhatToDo() {
        MainTest.Run txt = MainTest.run("export", "-c", configFile.toString(), "--sqlite", sqlite.toString(), "-o",
                dir.resolve("voice.txt").toString());
        assertEquals(Main.USAGE_ERROR, txt.code());
        assertTrue(txt.err().contains("must end in .pt or .pth"), txt.err());
        MainTest.Run both = MainTest.run("export", "-c", configFile.toString(), "--trial", "0", "--checkpoint",
                checkpoint.toString(), "-o", dir.resolve("x.pt").toString());
        assertEquals(Main.USAGE_ERROR, both.code());
        assertTrue(both.err().contains("either --trial or --checkpoint"), both.err());
        MainTest.Run noFolder = MainTest.run("export", "-c", configFile.toString(), "--sqlite", sqlite.toString(), "-o",
                dir.resolve("nowhere/x.pt").toString());
        assertEquals(Main.USAGE_ERROR, noFolder.code());
        assertTrue(noFolder.err().contains("does not exist"), noFolder.err());
        MainTest.Run r2 = MainTest.run("export", "-c", configFile.toString(), "--set", "model.n_frames_per_step=2",
                "--set", "model.p_attention_dropout=0.2", "--checkpoint", checkpoint.toString(), "-o",
                dir.resolve("r2.pt").toString());
        assertEquals(Main.USAGE_ERROR, r2.code());
        assertFalse(Files.exists(dir.resolve("r2.pt")));
    }
}
