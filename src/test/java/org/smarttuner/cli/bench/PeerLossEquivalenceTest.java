package org.smarttuner.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.smarttuner.PythonEnv;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.spark.TrialRunner;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.interop.EngineTensors;
import org.smarttuner.tts.interop.HostTensor;
import org.smarttuner.tts.interop.NvidiaTacotron2;
import org.smarttuner.tts.interop.TorchSave;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.model.Tacotron2Output;
import org.smarttuner.tts.train.GuidedAttention;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.LossTerms;
import org.smarttuner.tts.train.Tacotron2Loss;
import org.smarttuner.tts.train.TrainingData;

/**
 * What makes `bench peer` a comparison of tuners rather than of two recipes: the Ray Tune arm's PyTorch
 * Tacotron2 and loss (src/test/python/ray_tune_peer.py), given our weights and the features as the bench
 * exports them, compute on our first validation batch the loss terms our trainer computes: mel, postnet,
 * the weighted stop gate over each utterance's steps, and guided attention. With one and with two frames
 * a decoder step (the demo's), so the grouping of frames, the gate's labels and the prenet's input agree.
 */
class PeerLossEquivalenceTest {
    private static final double TOLERANCE = 1e-4;
    private static final double GUIDED = 0.7;
    private static final double GATE_WEIGHT = 3.5;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void theRayArmsLossIsOursOnTheSameWeightsAndBatch(int r, @TempDir Path dir) throws IOException {
        TunerConfig c = ConfigLoader.system().load(null, List.of("data.path=" + dir.resolve("corpus"), "data.size=40",
                "model.n_frames_per_step=" + r), Map.of());
        PreparedDataset data = TrialRunner.prepare(c.data());
        Path exported = dir.resolve("peer");
        PeerData.write(data, c, exported);
        ModelSettings s = withoutDropout(c.model());
        LossTerms ours;
        double[] want;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(11);
            Tacotron2 model = new Tacotron2(s, data.nSymbols(), data.nMels(), m, Device.cpu(), Map.of());
            TrainingData td = LoaderBatchSource.of(data, c.training().batchSize(), r);
            Batch batch = td.validation().batch(0, 0, m, Device.cpu());
            assertTrue(batch.size() > 1 && batch.textMask().min().getFloat() == 0f
                    && batch.melMask().min().getFloat() == 0f, "the batch must hold texts and recordings of "
                    + "different lengths, or padding goes untested");
            Tacotron2Output out = model.forward(batch, false, m);
            ours = new Tacotron2Loss(new GuidedAttention(GUIDED, c.training().guidedAttentionSigma()), GATE_WEIGHT)
                    .compute(out, batch, r, m);
            want = new double[] {ours.mel().getFloat(), ours.melPostnet().getFloat(), ours.gate().getFloat(),
                ours.guided().getFloat(), ours.total().getFloat()};
            Map<String, HostTensor> weights = NvidiaTacotron2.toNvidiaNames(
                    EngineTensors.fromArrays(model.params().all()), s, data.nMels(), data.nSymbols());
            TorchSave.write(dir.resolve("weights.pt"), weights, Map.of());
        }
        String line = PythonEnv.run("ray_tune_peer.py", 300, "loss", "--data", exported.toString(), "--weights",
                dir.resolve("weights.pt").toString(), "--guided-attention-weight", String.valueOf(GUIDED),
                "--gate-positive-weight", String.valueOf(GATE_WEIGHT)).strip();
        JsonNode theirs = new ObjectMapper().readTree(line.substring(line.lastIndexOf('\n') + 1));
        String[] names = {"mel", "postnet", "gate", "guided", "total"};
        for (int i = 0; i < names.length; i++) {
            double got = theirs.get(names[i]).asDouble();
            assertTrue(want[i] > 0, names[i] + " is 0: the comparison would prove nothing");
            assertEquals(want[i], got, TOLERANCE * Math.abs(want[i]), "r=" + r + ": the Ray arm's " + names[i]
                    + " loss differs from ours (" + line + ")");
        }
    }

    /** The configuration's model with every dropout off (the prenet's too), so both sides are deterministic. */
    private static ModelSettings withoutDropout(ModelSettings m) {
        return new ModelSettings(m.preset(), m.symbolsEmbeddingDim(), m.encoderNConvolutions(), m.encoderKernelSize(),
                m.encoderEmbeddingDim(), 0.0, m.attentionRnnDim(), m.attentionDim(), m.attentionLocationNFilters(),
                m.attentionLocationKernelSize(), m.decoderRnnDim(), m.prenetDim(), 0.0, m.postnetEmbeddingDim(),
                m.postnetKernelSize(), m.postnetNConvolutions(), 0.0, m.nFramesPerStep(), 0.0, 0.0, m.gateThreshold(),
                m.maxDecoderSteps());
    }
}
