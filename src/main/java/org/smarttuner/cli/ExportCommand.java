package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.interop.CheckpointFormatException;
import org.smarttuner.tts.interop.EngineTensors;
import org.smarttuner.tts.interop.HostTensor;
import org.smarttuner.tts.interop.NvidiaTacotron2;
import org.smarttuner.tts.interop.Safetensors;
import org.smarttuner.tts.interop.TorchSave;
import org.smarttuner.tts.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes a trained model in NVIDIA's Tacotron2 names and layouts, as a PyTorch checkpoint that
 * {@code torch.load} (weights only) and NVIDIA's {@code Tacotron2.load_state_dict} accept, or as
 * safetensors. Only the weights and batch-norm statistics go out: the optimizer's moments are ours
 * (fused LSTM layout), and NVIDIA's {@code --warm_start} starts a fresh optimizer anyway.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a trained model for NVIDIA's Tacotron2 code: the study's best completed trial",
            "(default), --trial N, or --checkpoint PATH, as FILE.pt ({'state_dict': ..., 'iteration': ...,",
            "'learning_rate': ...}, what NVIDIA's train.py saves) or FILE.safetensors. One frame per decoder",
            "step only (model.n_frames_per_step 1)."})
final class ExportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Mixin
    StudySourceOptions source;

    @Mixin
    CheckpointOptions which;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The file to write: "
            + "*.pt or *.pth (PyTorch) or *.safetensors.")
    Path output;

    @Option(names = "--symbols", defaultValue = "148", paramLabel = "N", description = "Rows of the embedding "
            + "written (default: ${DEFAULT-VALUE}, NVIDIA's symbol table with ARPAbet; ours are its first 64 and "
            + "the rest are zero).")
    int symbols;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        which.check(source, "export");
        boolean safetensors = kind(output);
        TunerConfig config = options.load();
        CheckpointChoice choice = which.choose(source, config);
        try {
            choice.checkModelSettings();
            Checkpoint c;
            Map<String, HostTensor> ours;
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                c = Checkpoint.read(choice.local(), m);
                ours = EngineTensors.fromArrays(c.weights());
            }
            if (symbols < c.nSymbols()) {
                throw new UsageException("--symbols " + symbols + " is fewer than the model's " + c.nSymbols()
                        + " symbols");
            }
            Map<String, HostTensor> nvidia;
            try {
                nvidia = NvidiaTacotron2.toNvidia(ours, choice.model(), c.nMels(), symbols);
            } catch (CheckpointFormatException e) {
                throw new UsageException("cannot export " + choice.describe() + ": " + e.getMessage());
            }
            double lr = choice.trial().map(t -> config.training(t.params()).learningRate())
                    .orElse(config.training().learningRate());
            if (safetensors) {
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("format", "pt");
                meta.put("source", choice.location());
                meta.put("epoch", String.valueOf(c.epoch()));
                meta.put("iteration", String.valueOf(c.step()));
                Safetensors.write(output, nvidia, meta);
            } else {
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("iteration", c.step());
                info.put("learning_rate", lr);
                TorchSave.write(output, nvidia, info);
            }
            PrintWriter out = spec.commandLine().getOut();
            long params = nvidia.values().stream().filter(t -> !t.integer()).mapToLong(t -> t.data().length).sum();
            out.printf(Locale.ROOT, "wrote %s: %s (epoch %d, %d optimizer steps) in NVIDIA's Tacotron2 names, %d tensors, "
                    + "%,d values, embedding of %d symbols%n", output, choice.describe(), c.epoch(), c.step(),
                    nvidia.size(), params, symbols);
            out.printf(Locale.ROOT, "  NVIDIA hparams for it: %s%n", hparams(choice.model(), c.nMels(), symbols));
            return Main.OK;
        } finally {
            if (choice.temporary()) {
                Files.deleteIfExists(choice.local());
            }
        }
    }

    /** .safetensors or .pt/.pth; anything else is refused before any work. */
    static boolean kind(Path output) {
        String name = output.getFileName() == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw new UsageException("--output " + output + " is a folder; give a file name ending in .pt or .safetensors");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("--output " + output + ": folder " + parent + " does not exist");
        }
        if (name.endsWith(".safetensors")) {
            return true;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth")) {
            return false;
        }
        throw new UsageException("--output " + output + " must end in .pt or .pth (a PyTorch checkpoint) or "
                + ".safetensors");
    }

    private static String hparams(org.smarttuner.tts.model.ModelSettings s, int nMels, int symbols) {
        return String.format(Locale.ROOT, "n_symbols=%d, n_mel_channels=%d, symbols_embedding_dim=%d, "
                + "encoder_embedding_dim=%d, encoder_n_convolutions=%d, encoder_kernel_size=%d, attention_rnn_dim=%d, "
                + "attention_dim=%d, attention_location_n_filters=%d, attention_location_kernel_size=%d, "
                + "decoder_rnn_dim=%d, prenet_dim=%d, postnet_embedding_dim=%d, postnet_kernel_size=%d, "
                + "postnet_n_convolutions=%d, n_frames_per_step=1", symbols, nMels, s.symbolsEmbeddingDim(),
                s.encoderEmbeddingDim(), s.encoderNConvolutions(), s.encoderKernelSize(), s.attentionRnnDim(),
                s.attentionDim(), s.attentionLocationNFilters(), s.attentionLocationKernelSize(), s.decoderRnnDim(),
                s.prenetDim(), s.postnetEmbeddingDim(), s.postnetKernelSize(), s.postnetNConvolutions());
    }
}
