package org.smarttuner.cli;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.train.TrainBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Training-throughput benchmark: teacher-forced steps of one Tacotron2 size on a full-length
 * random batch. Defaults: the small preset, batch 8, 60 tokens, 200 frames, one frame per step.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Measure Tacotron2 training speed: median ms per step after warm-up, mel frames/s,",
            "peak resident memory. Model and training settings come from the configuration",
            "(model.preset defaults to small and n_frames_per_step to 1 here; --set overrides)."})
final class BenchTrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--preset", defaultValue = "small", description = "Model preset: small or full (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch-size", defaultValue = "8", description = "Utterances per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tokens", defaultValue = "60", description = "Text length of every utterance (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--frames", defaultValue = "200", description = "Mel frames of every utterance (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--symbols", defaultValue = "148", description = "Symbol-set size (default: ${DEFAULT-VALUE}).")
    int symbols;

    @Option(names = "--warmup", defaultValue = "3", description = "Steps not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Measured steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: libtorch's choice).")
    Integer threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1 || tokens < 1 || frames < 1 || steps < 1 || warmup < 0 || symbols < 2) {
            throw new UsageException("bench train needs --batch-size, --tokens, --frames, --steps >= 1, --symbols >= 2"
                    + " and --warmup >= 0");
        }
        List<String> sets = new ArrayList<>(List.of("model.preset=" + preset, "model.n_frames_per_step=1"));
        sets.addAll(options.sets);
        options.sets = sets;
        TunerConfig config = options.load();
        Device dev = parseDevice(device);
        ai.djl.engine.Engine.getInstance(); // loads libtorch before its thread count is set
        if (threads != null) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        // TF32 and cuDNN's autotuner as the study's training section says (both on by default), as trials run
        String engine = org.smarttuner.tts.torch.DeviceSetup.prepare(dev, config.training().tf32(),
                config.training().cudnnBenchmark());
        TrainBenchmark.Result r = TrainBenchmark.run(config.model(), config.training(), dev, batchSize, tokens, frames,
                symbols, config.data().audio().nMels(), warmup, steps);
        PrintWriter out = spec.commandLine().getOut();
        String waitPolicy = System.getenv("OMP_WAIT_POLICY");
        out.printf(Locale.ROOT, "bench train: preset %s, %,d parameters, device %s, %d threads, OMP_WAIT_POLICY %s%n",
                preset, r.parameters(), dev, ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                waitPolicy == null || waitPolicy.isBlank() ? "unset (libgomp's default)" : waitPolicy);
        out.println("engine: " + engine);
        out.printf(Locale.ROOT, "batch %d x %d tokens x %d frames, %d warm-up + %d measured steps%n", batchSize,
                tokens, frames, warmup, steps);
        out.printf(Locale.ROOT, "ms/step median %.1f (min %.1f, max %.1f)%n", r.medianMs(), r.minMs(), r.maxMs());
        out.printf(Locale.ROOT, "mel frames/s %.0f%n", r.framesPerSecond());
        out.printf(Locale.ROOT, "peak RSS %.0f MiB%s%n", r.peakRssBytes() / 1048576.0,
                dev.isGpu() ? String.format(Locale.ROOT, ", GPU memory in use %.0f MiB", r.gpuMemoryBytes() / 1048576.0)
                        : "");
        out.flush();
        return Main.OK;
    }

    static Device parseDevice(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return Device.cpu();
        }
        if (v.matches("gpu(:\\d+)?")) {
            return Device.gpu(v.contains(":") ? Integer.parseInt(v.substring(4)) : 0);
        }
        throw new UsageException("--device '" + s + "' is not cpu or gpu:N (e.g. gpu:0)");
    }
}
