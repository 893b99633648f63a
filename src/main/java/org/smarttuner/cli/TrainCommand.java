package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.audio.GriffinLim;
import org.smarttuner.tts.audio.MelFrames;
import org.smarttuner.tts.audio.WavWriter;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.data.Utterance;
import org.smarttuner.tts.train.AlignmentImage;
import org.smarttuner.tts.train.EpochMetrics;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.SegmentResult;
import org.smarttuner.tts.train.SegmentTrainer;
import org.smarttuner.tts.train.Synthesizer;
import org.smarttuner.tts.train.TrainingData;
import org.smarttuner.tts.train.TrainingSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains one trial locally with the configured settings (no Spark, no study). */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train one Tacotron2 locally with the configuration's data, model and training sections:",
            "prints each epoch's metrics, writes the checkpoint, an attention-alignment PNG per",
            "validation, and a Griffin-Lim WAV of the first validation text spoken free-running."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--out", defaultValue = "work/train", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--device", description = "cpu or gpu:N (default: execution.device; auto = gpu:0 if present).")
    String device;

    @Option(names = "--griffin-lim-iterations", defaultValue = "32",
            description = "Griffin-Lim iterations for the sample WAV (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TunerConfig config = options.load();
        WarmStartCheck.verify(config);
        Device dev = device != null ? BenchTrainCommand.parseDevice(device) : configured(config.execution().device());
        PrintWriter w = spec.commandLine().getOut();
        PreparedDataset data = PreparedDatasets.get(config.data());
        w.println(data.report().summary());
        TrainingData td = LoaderBatchSource.of(data, config.training().batchSize(), config.model().nFramesPerStep());
        Files.createDirectories(out);
        Path checkpoint = out.resolve("model.ckpt");
        TrainingSegment seg = new TrainingSegment(config.model(), config.training(), dev, 0, config.training().epochs(),
                Optional.empty(), checkpoint, Optional.of(out));
        w.println("engine: " + org.smarttuner.tts.torch.DeviceSetup.prepare(dev, config.training().tf32(),
                config.training().cudnnBenchmark()));
        w.printf(Locale.ROOT, "training %d epochs on %s, %d train / %d validation utterances%n",
                config.training().epochs(), dev, data.train().size(), data.validation().size());
        w.flush();
        SegmentResult r = SegmentTrainer.run(seg, td);
        w.printf(Locale.ROOT, "%d parameters%n", r.parameters());
        for (EpochMetrics e : r.epochs()) {
            w.printf(Locale.ROOT, "epoch %3d  train %.4f  val %.4f (mel %.4f, postnet %.4f, gate %.4f)  sharpness %.3f"
                    + "%s  %.0f frames/s  %.1f s  peak RSS %.0f MiB%n", e.epoch(), e.trainLoss(), e.valLoss(),
                    e.valMelLoss(), e.valMelPostnetLoss(), e.valGateLoss(), e.attentionSharpness(),
                    e.voice().measured() ? "  " + e.voice().describe() : "", e.framesPerSecond(), e.seconds(),
                    e.peakRssBytes() / 1048576.0);
        }
        if (!r.ok()) {
            w.println("training stopped: " + r.failure().orElseThrow());
            w.flush();
            return Main.RUNTIME_ERROR;
        }
        w.println("checkpoint " + checkpoint);
        Utterance u = data.validation().isEmpty() ? data.train().items().get(0) : data.validation().items().get(0);
        Synthesizer.Synthesis s = Synthesizer.synthesize(checkpoint, config.model(), u.text(), dev,
                config.training().seed(), Optional.of(new Synthesizer.Judging(
                        new MelFrames(u.mel(), data.nMels(), u.frames()), config.training().freeRunMaxLength(),
                        config.training().mcdCoefficients())));
        AlignmentImage.write(s.alignment(), out.resolve("sample-alignment.png"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] audio = new GriffinLim(config.data().audio(), iterations, config.training().seed()).invert(s.mel(), m);
            WavWriter.write(out.resolve("sample.wav"), audio, config.data().audio().sampleRate());
        }
        w.printf(Locale.ROOT, "sample %s (%d frames against the recording's %d, %s; mcd %.2f dB, attention %.3f), "
                + "alignment PNGs in %s%n", out.resolve("sample.wav"), s.mel().frames(), u.frames(),
                s.stopped() ? "the stop gate fired" : "never stopped", s.voice().orElseThrow().mcd(),
                s.voice().orElseThrow().attention(), out);
        w.flush();
        return Main.OK;
    }

    /**
     * execution.device as a device: auto is gpu:0 when libtorch's CUDA runtime sees a GPU, else the
     * CPU; gpu where none can be used is an error that says what is missing.
     */
    static Device configured(String device) {
        org.smarttuner.tts.torch.CudaProbe.CudaInfo cuda = org.smarttuner.tts.torch.CudaProbe.probe();
        if (device.equals("gpu") && cuda.devices() == 0) {
            throw new UsageException("execution.device is gpu but no GPU can be used here: " + cuda.problem());
        }
        return device.equals("gpu") || device.equals("auto") && cuda.devices() > 0 ? Device.gpu(0) : Device.cpu();
    }
}
