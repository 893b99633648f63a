package org.smarttuner.tts.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smarttuner.PythonEnv;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.model.Tacotron2Output;

/**
 * The test that lets anyone trust that tuning here tunes NVIDIA's model: a PyTorch Tacotron2 with
 * NVIDIA's module structure and names (src/test/python/nvidia_tacotron2.py) is saved with random
 * weights; our reader and mapping load them into our network, which with dropout off gives the same
 * teacher-forced mel, postnet mel, gate logits and attention weights as PyTorch on the same batch;
 * and our export loads back into the PyTorch module (strict) and gives PyTorch the same outputs.
 */
@Tag("slow")
class NvidiaEquivalenceTest {
    private static final double TOLERANCE = 1e-4;

    static ModelSettings deterministic(String preset) {
        boolean small = preset.equals("small");
        return new ModelSettings(preset, small ? 128 : 512, 3, 5, small ? 128 : 512, 0.0, small ? 256 : 1024,
                small ? 64 : 128, small ? 16 : 32, small ? 15 : 31, small ? 256 : 1024, small ? 64 : 256, 0.0,
                small ? 128 : 512, 5, 5, 0.0, 1, 0.0, 0.0, 0.5, 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "full"})
    void ourNetworkComputesWhatNvidiasComputesFromTheSameWeights(String preset, @TempDir Path dir) throws IOException {
        PythonEnv.run("nvidia_tacotron2.py", 600, "make", "--preset", preset, "--out", dir.toString());
        Map<String, HostTensor> io = WeightFiles.read(dir.resolve("io.pt")).tensors();
        ModelSettings s = deterministic(preset);
        int nMels = 80;
        for (String file : new String[] {"nvidia.pt", "bare.pt", "nvidia.safetensors"}) {
            StateFile f = WeightFiles.read(dir.resolve(file));
            Map<String, HostTensor> ours = NvidiaTacotron2.toOurs(file, f.tensors(), s, org.smarttuner.tts.text.Symbols.count(), nMels, Set.of());
            Map<String, HostTensor> out = forward(s, nMels, ours, io);
            for (String k : new String[] {"mel", "mel_postnet", "gate", "alignments"}) {
                double err = relativeError(out.get(k), io.get(k));
                assertTrue(err <= TOLERANCE, preset + " " + file + ": " + k + " differs from PyTorch's by " + err
                        + " (relative)");
            }
            if (file.equals("nvidia.pt")) {
                assertEquals(1L, ((Number) f.info().get("iteration")).longValue());
                // export what we loaded (through our model's own arrays) and let PyTorch load it strictly
                Map<String, HostTensor> nvidia = NvidiaTacotron2.toNvidia(modelArrays(s, nMels, ours), s, nMels,
                        NvidiaTacotron2.NVIDIA_SYMBOLS);
                Path pt = dir.resolve("export.pt");
                Path st = dir.resolve("export.safetensors");
                TorchSave.write(pt, nvidia, Map.of("iteration", 1L, "learning_rate", 1e-3));
                Safetensors.write(st, nvidia, Map.of("format", "pt"));
                for (Path p : new Path[] {pt, st}) {
                    String report = PythonEnv.run("nvidia_tacotron2.py", 600, "check", "--weights", p.toString(),
                            "--io", dir.resolve("io.pt").toString(), "--tolerance", String.valueOf(TOLERANCE));
                    assertTrue(report.contains("\"ok\": true"), report);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theLegacyFormatOfNvidiasPublishedCheckpointsReadsTheSame(@TempDir Path dir) throws IOException {
        PythonEnv.run("nvidia_tacotron2.py", 600, "make", "--preset", "small", "--legacy", "--out", dir.toString());
        StateFile legacy = WeightFiles.read(dir.resolve("nvidia.pt"));
        assertEquals("pytorch-legacy", legacy.format());
        StateFile zip = WeightFiles.read(dir.resolve("bare.pt"));
        assertEquals(zip.tensors().keySet(), legacy.tensors().keySet());
        zip.tensors().forEach((k, v) -> assertEquals(v, legacy.tensors().get(k), k));
    }

    /** The loaded arrays as the model holds them (weights and batch-norm statistics). */
    private static Map<String, HostTensor> modelArrays(ModelSettings s, int nMels, Map<String, HostTensor> ours) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Tacotron2 model = new Tacotron2(s, org.smarttuner.tts.text.Symbols.count(), nMels, m, Device.cpu(), EngineTensors.toArrays(ours, m));
            return EngineTensors.fromArrays(model.params().all());
        }
    }

    private static Map<String, HostTensor> forward(ModelSettings s, int nMels, Map<String, HostTensor> ours,
            Map<String, HostTensor> io) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Tacotron2 model = new Tacotron2(s, org.smarttuner.tts.text.Symbols.count(), nMels, m, Device.cpu(), EngineTensors.toArrays(ours, m));
            HostTensor text = io.get("text");
            HostTensor mels = io.get("mels");
            long b = text.dim(0);
            long t = text.dim(1);
            long f = mels.dim(2);
            long[] ids = new long[text.data().length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (long) text.data()[i];
            }
            NDArray ones = m.ones(new Shape(b, t));
            NDArray frameOnes = m.ones(new Shape(b, f));
            Batch batch = new Batch(new NDList(m.create(ids, new Shape(b, t)),
                    m.full(new Shape(b), t, DataType.INT64), m.create(mels.data(), new Shape(mels.shape())),
                    m.zeros(new Shape(b, f)), m.full(new Shape(b), f, DataType.INT64), ones, frameOnes, frameOnes));
            Tacotron2Output out = model.forward(batch, false, m);
            Map<String, HostTensor> r = new HashMap<>();
            r.put("mel", EngineTensors.fromArray(out.mel()));
            r.put("mel_postnet", EngineTensors.fromArray(out.melPostnet()));
            r.put("gate", EngineTensors.fromArray(out.gate()));
            r.put("alignments", EngineTensors.fromArray(out.alignments()));
            return r;
        }
    }

    static double relativeError(HostTensor got, HostTensor want) {
        assertTrue(java.util.Arrays.equals(got.shape(), want.shape()), got.shapeText() + " vs " + want.shapeText());
        double maxDiff = 0;
        double scale = 1e-12;
        for (int i = 0; i < want.data().length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(got.data()[i] - want.data()[i]));
            scale = Math.max(scale, Math.abs(want.data()[i]));
        }
        return maxDiff / scale;
    }
}
