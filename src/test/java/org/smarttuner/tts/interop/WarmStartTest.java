package org.smarttuner.tts.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.model.TestBatches;
import org.smarttuner.tts.train.TrainingSession;
import org.smarttuner.tts.train.TrainingSettings;

/** training.init_from: NVIDIA's files and ours, what is left out, and every refusal. */
class WarmStartTest {
    private static final int SYMBOLS = org.smarttuner.tts.text.Symbols.count();
    private static final int MELS = 20;

    @TempDir
    Path dir;

    private static Map<String, HostTensor> randomModel(ModelSettings s, long seed) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed((int) seed);
            return EngineTensors.fromArrays(new Tacotron2(s, SYMBOLS, MELS, m, Device.cpu(), Map.of()).params().all());
        }
    }

    private Path nvidiaFile(ModelSettings s, long seed, String name) throws IOException {
        Path p = dir.resolve(name);
        TorchSave.write(p, NvidiaTacotron2.toNvidia(randomModel(s, seed), s, MELS, NvidiaTacotron2.NVIDIA_SYMBOLS),
                Map.of("iteration", 5L));
        return p;
    }

    static TrainingSettings warm(String file, List<String> ignore) {
        return new TrainingSettings(2, 4, "adam", 1e-3, 1e-6, 0.9, 0.999, 1e-6, 1.0, "constant", 0.5, 10, 4000, 0.0,
                0.2, 5.0, 3, 1, 0, 2.0, 4, file, ignore);
    }

    @Test
    void anExportedModelWarmStartsToTheSameWeights() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Map<String, HostTensor> original = randomModel(s, 11);
        Path pt = dir.resolve("m.pt");
        TorchSave.write(pt, NvidiaTacotron2.toNvidia(original, s, MELS, NvidiaTacotron2.NVIDIA_SYMBOLS), null);
        Map<String, HostTensor> loaded = WarmStart.load(pt.toString(), s, SYMBOLS, MELS, List.of()).weights();
        assertEquals(original.keySet(), loaded.keySet());
        original.forEach((k, v) -> assertArrayEquals(v.data(), loaded.get(k).data(), k));
        Map<String, HostTensor> noEmbedding = WarmStart.load(pt.toString(), s, SYMBOLS, MELS,
                TrainingSettings.DEFAULT_INIT_IGNORE).weights();
        assertFalse(noEmbedding.containsKey("encoder.embedding"));
        assertEquals(original.size() - 1, noEmbedding.size());
    }

    @Test
    void aFreshSessionStartsFromTheFileExceptWhatIsLeftOut() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Path pt = nvidiaFile(s, 12, "m.pt");
        Map<String, HostTensor> file = WarmStart.load(pt.toString(), s, SYMBOLS, MELS, List.of()).weights();
        try (NDManager trial = NDManager.newBaseManager(Device.cpu())) {
            TrainingSession session = TrainingSession.fresh(s, warm(pt.toString(), TrainingSettings.DEFAULT_INIT_IGNORE),
                    SYMBOLS, MELS, trial, Device.cpu());
            Map<String, HostTensor> model = EngineTensors.fromArrays(session.model().params().all());
            for (Map.Entry<String, HostTensor> e : file.entrySet()) {
                if (e.getKey().equals("encoder.embedding")) {
                    assertFalse(java.util.Arrays.equals(e.getValue().data(), model.get(e.getKey()).data()),
                            "the embedding is left to a fresh initialisation");
                } else {
                    assertArrayEquals(e.getValue().data(), model.get(e.getKey()).data(), e.getKey());
                }
            }
            assertEquals(0, session.optimizerSteps(), "a fresh optimizer");
        }
    }

    @Test
    void trialsThatTuneOnlyDropoutsShareOneReadOfTheFile() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Path pt = nvidiaFile(s, 16, "shared.pt");
        ModelSettings otherDropout = new ModelSettings("small", 16, 2, 5, 16, 0.3, 32, 16, 4, 7, 32, 16, 0.5, 16, 5, 3,
                0.5, 1, 0.25, 0.05, 0.5, 50);
        WarmStart.Loaded first = WarmStart.load(pt.toString(), s, SYMBOLS, MELS, List.of());
        org.junit.jupiter.api.Assertions.assertSame(first, WarmStart.load(pt.toString(), otherDropout, SYMBOLS, MELS,
                List.of()));
        org.junit.jupiter.api.Assertions.assertNotSame(first, WarmStart.load(pt.toString(), s, SYMBOLS, MELS,
                TrainingSettings.DEFAULT_INIT_IGNORE));
    }

    @Test
    void otherModelSizesAreNamedWithBothValues() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Path pt = nvidiaFile(s, 13, "m.pt");
        ModelSettings wider = new ModelSettings("small", 16, 2, 5, 16, 0.5, 48, 16, 4, 7, 32, 16, 0.5, 16, 5, 3, 0.5,
                1, 0.1, 0.1, 0.5, 50);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> WarmStart.check(pt.toString(), wider, SYMBOLS, MELS, List.of()));
        assertTrue(e.getMessage().contains("model.attention_rnn_dim is 48 here, 32 in the file"), e.getMessage());
        assertTrue(e.getMessage().contains("decoder.attention_rnn.weight_hh has shape (128, 32) but (192, 48)"),
                e.getMessage());
        CheckpointFormatException mels = assertThrows(CheckpointFormatException.class,
                () -> WarmStart.check(pt.toString(), s, SYMBOLS, 40, List.of()));
        assertTrue(mels.getMessage().contains("data.audio.n_mels is 40 here, 20 in the file"), mels.getMessage());
    }

    @Test
    void aMissingOrUnexpectedKeyIsNamed() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Map<String, HostTensor> nvidia = new LinkedHashMap<>(NvidiaTacotron2.toNvidia(randomModel(s, 14), s, MELS, 148));
        HostTensor gate = nvidia.remove("decoder.gate_layer.linear_layer.bias");
        nvidia.put("decoder.extra.weight", gate);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> NvidiaTacotron2.toOurs("f.pt", nvidia, s, SYMBOLS, MELS, Set.of()));
        assertTrue(e.getMessage().contains("missing decoder.gate_layer.linear_layer.bias (expected shape (1))"),
                e.getMessage());
        assertTrue(e.getMessage().contains("unexpected decoder.extra.weight (1)"), e.getMessage());
        CheckpointFormatException ignore = assertThrows(CheckpointFormatException.class,
                () -> NvidiaTacotron2.toOurs("f.pt", nvidia, s, SYMBOLS, MELS, Set.of("embeding.weight")));
        assertTrue(ignore.getMessage().contains("training.init_ignore names embeding.weight"), ignore.getMessage());
    }

    @Test
    void moreThanOneFramePerStepCannotStartFromNvidiasModel() throws IOException {
        ModelSettings s = TestBatches.tiny();
        Path pt = nvidiaFile(s, 15, "m.pt");
        ModelSettings r2 = TestBatches.withFramesPerStep(s, 2);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> WarmStart.load(pt.toString(), r2, SYMBOLS, MELS, List.of()));
        assertTrue(e.getMessage().contains("n_frames_per_step is 2"), e.getMessage());
    }

    @Test
    void ourOwnCheckpointWarmStartsItsWeightsWithAFreshOptimizer() throws IOException {
        ModelSettings s = TestBatches.withFramesPerStep(TestBatches.tiny(), 2);
        Path ck = dir.resolve("ours.ckpt");
        Map<String, HostTensor> saved;
        try (NDManager trial = NDManager.newBaseManager(Device.cpu())) {
            TrainingSession session = TrainingSession.fresh(s, warm("", List.of()), SYMBOLS, MELS, trial, Device.cpu());
            session.checkpoint(3, trial).write(ck);
            saved = EngineTensors.fromArrays(session.model().params().all());
        }
        WarmStart.Loaded l = WarmStart.load(ck.toString(), s, SYMBOLS, MELS, List.of("embedding.weight"));
        assertTrue(l.description().contains("Smart Tuner checkpoint at epoch 3"), l.description());
        assertFalse(l.weights().containsKey("encoder.embedding"));
        l.weights().forEach((k, v) -> assertArrayEquals(saved.get(k).data(), v.data(), k));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> WarmStart.load(ck.toString(), s, SYMBOLS, MELS, List.of("decoder.nothing")));
        assertTrue(e.getMessage().contains("training.init_ignore names decoder.nothing"), e.getMessage());
    }

    @Test
    void aFileOfAnotherNetworkIsRefused() throws IOException {
        Path pt = dir.resolve("resnet.pt");
        TorchSave.write(pt, Map.of("conv1.weight", HostTensor.of(new float[] {1, 2}, 2)), null);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> WarmStart.load(pt.toString(), TestBatches.tiny(), SYMBOLS, MELS, List.of()));
        assertTrue(e.getMessage().contains("not NVIDIA's Tacotron2") && e.getMessage().contains("conv1.weight"),
                e.getMessage());
        assertThrows(CheckpointFormatException.class,
                () -> WarmStart.load(dir.resolve("none.pt").toString(), TestBatches.tiny(), SYMBOLS, MELS, List.of()));
    }

    @Test
    void theGateOrderSwapIsItsOwnInverse() {
        HostTensor t = HostTensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 8);
        HostTensor once = NvidiaTacotron2.swapCellAndOutput(t);
        assertArrayEquals(new float[] {0, 1, 2, 3, 6, 7, 4, 5}, once.data());
        assertEquals(t, NvidiaTacotron2.swapCellAndOutput(once));
        assertNotEquals(t, once);
    }
}
