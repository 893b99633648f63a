package org.smarttuner.tts.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.config.ConfigLoader;
import org.smarttuner.config.TunerConfig;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.torch.CudaProbe;
import org.smarttuner.tts.torch.DeviceSetup;
import org.smarttuner.tts.torch.EngineReport;
import org.smarttuner.tts.torch.NativeTorch;
import picocli.CommandLine.Option;

/**
 * The Java side of {@code jobs/gpu-check.sh}, for a machine with a GPU and no Spark: what DJL sees,
 * the trainer's throughput (full preset at two batch sizes, small preset at one; teacher-forced
 * training steps, r = 1, LJSpeech-like lengths), and two short trials trained through the
 * executor's own entry point ({@link SegmentTrainer#run}) on the synthetic corpus. Needs only the
 * trainer's jars (no Spark, no Hadoop, no picocli). Writes one JSON object; each part that fails
 * records its error and the rest still run.
 *
 * <pre>java -cp 'lib/*' org.smarttuner.tts.train.GpuCheck --out check.json [--device gpu:0] [--work DIR]
 *     [--batches 64,128] [--small-batch 64] [--tokens 110] [--frames 580] [--warmup 3] [--steps 8]
 *     [--trial-epochs 3] [--tf32 true]</pre>
 * (picocli only for its own options: the product's CLI would load Spark's classes).
 */
@picocli.CommandLine.Command(name = "gpu-check", mixinStandardHelpOptions = true,
        description = "The Java side of jobs/gpu-check.sh: engine, throughput, two short trials; one JSON object.")
public final class GpuCheck implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--out", defaultValue = "gpu-check-djl.json", description = "JSON summary to write.")
    Path out;
    @Option(names = "--work", defaultValue = "gpu-check-work", description = "Folder for the corpus and checkpoints.")
    Path workDir;
    @Option(names = "--device", defaultValue = "gpu:0", description = "gpu:N or cpu (a rehearsal).")
    String device;
    @Option(names = "--batches", defaultValue = "64,128", split = ",", description = "Full-preset batch sizes.")
    List<Integer> batches;
    @Option(names = "--small-batch", defaultValue = "64", description = "Small-preset batch size.")
    int smallBatch;
    @Option(names = "--tokens", defaultValue = "110", description = "Text length (LJSpeech's mean is about 100).")
    int tokens;
    @Option(names = "--frames", defaultValue = "580", description = "Mel frames (LJSpeech's mean is about 570).")
    int frames;
    @Option(names = "--warmup", defaultValue = "3", description = "Steps not measured.")
    int warmup;
    @Option(names = "--steps", defaultValue = "8", description = "Measured steps.")
    int steps;
    @Option(names = "--trial-epochs", defaultValue = "3", description = "Epochs of each of the two trials.")
    int trialEpochs;
    @Option(names = "--tf32", defaultValue = "true", arity = "1", description = "TF32 on (true) or off.")
    boolean tf32;

    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new GpuCheck()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path work = Files.createDirectories(workDir);
        Map<String, Object> report = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        NativeTorch.prepare();
        report.put("engine", EngineReport.collect());
        Device dev = device.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(device.replaceAll("\\D", "")));
        if (dev.isGpu() && CudaProbe.probe().devices() <= dev.getDeviceId()) {
            report.put("error", "no usable GPU " + dev.getDeviceId() + ": " + CudaProbe.probe().problem());
            write(out, report, t0);
            return 1;
        }
        report.put("device", DeviceSetup.prepare(dev, tf32, true));

        List<Map<String, Object>> throughput = new ArrayList<>();
        for (int b : batches) {
            throughput.add(bench("full", b, tokens, frames, warmup, steps, dev, tf32, work));
            write(out, withThroughput(report, throughput), t0);
        }
        throughput.add(bench("small", smallBatch, tokens, frames, warmup, steps, dev, tf32, work));
        write(out, withThroughput(report, throughput), t0);

        List<Map<String, Object>> trials = new ArrayList<>();
        double[] rates = {1e-3, 2e-3};
        for (int i = 0; i < rates.length; i++) {
            trials.add(trial(i, rates[i], trialEpochs, dev, tf32, work));
            report.put("trials", trials);
            write(out, report, t0);
        }
        boolean ok = throughput.stream().noneMatch(m -> m.containsKey("error"))
                && trials.stream().allMatch(m -> "complete".equals(m.get("state")));
        report.put("ok", ok);
        write(out, report, t0);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        return ok ? 0 : 1;
    }

    private static Map<String, Object> withThroughput(Map<String, Object> report, List<Map<String, Object>> t) {
        report.put("throughput", t);
        return report;
    }

    static TunerConfig config(Path work, String preset, int batch, double learningRate, int epochs, boolean tf32) {
        String yaml = """
                study: {name: gpu-check, n_trials: 2, sampler: {type: random, seed: 1}, pruner: {type: none}}
                search_space:
                  learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
                data: {corpus: synthetic, path: %s, size: 64, seed: 7, max_text_length: 40, max_frames: 200}
                model: {preset: %s, n_frames_per_step: 1}
                training: {epochs: %d, batch_size: %d, learning_rate: %s, tf32: %s, free_run_utterances: 4,
                           guided_attention_weight: 1.0}
                execution: {checkpoint_dir: %s}
                output: {delta_path: %s, sqlite_path: %s}
                """.formatted(work.resolve("data-synthetic"), preset, epochs, batch, learningRate, tf32,
                work.resolve("checkpoints"), work.resolve("delta"), work.resolve("study.db"));
        return new ConfigLoader(System::getenv, work).loadText(yaml, "gpu-check", List.of(), Map.of());
    }

    private static Map<String, Object> bench(String preset, int batch, int tokens, int frames, int warmup, int steps,
                                             Device dev, boolean tf32, Path work) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("batch", batch);
        m.put("tokens", tokens);
        m.put("frames", frames);
        m.put("frames_per_step", 1);
        try {
            TunerConfig c = config(work, preset, batch, 1e-3, 1, tf32);
            TrainBenchmark.Result r = TrainBenchmark.run(c.model(), c.training(), dev, batch, tokens, frames, 148,
                    c.data().audio().nMels(), warmup, steps);
            m.put("parameters", r.parameters());
            m.put("ms_per_step_median", round(r.medianMs()));
            m.put("ms_per_step_min", round(r.minMs()));
            m.put("ms_per_step_max", round(r.maxMs()));
            m.put("mel_frames_per_s", Math.round(r.framesPerSecond()));
            m.put("gpu_memory_mib", r.gpuMemoryBytes() < 0 ? null : r.gpuMemoryBytes() / 1048576);
            m.put("peak_rss_mib", r.peakRssBytes() / 1048576);
            System.out.printf(Locale.ROOT, "gpu-check: %s preset, batch %d x %d tokens x %d frames: %.1f ms/step, "
                    + "%.0f mel frames/s%n", preset, batch, tokens, frames, r.medianMs(), r.framesPerSecond());
        } catch (RuntimeException | OutOfMemoryError e) {
            m.put("error", e.toString());
            System.out.println("gpu-check: " + preset + " batch " + batch + " failed: " + e);
        }
        return m;
    }

    private static Map<String, Object> trial(int number, double lr, int epochs, Device dev, boolean tf32, Path work) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", number);
        m.put("learning_rate", lr);
        long t0 = System.nanoTime();
        try {
            TunerConfig c = config(work, "small", 16, lr, epochs, tf32);
            PreparedDataset data = PreparedDatasets.get(c.data());
            TrainingData training = LoaderBatchSource.of(data, c.training().batchSize(), c.model().nFramesPerStep());
            Path ckpt = work.resolve("trial-" + number + ".ckpt");
            SegmentResult r = SegmentTrainer.run(new TrainingSegment(c.model(), c.training(), dev, 0, epochs,
                    Optional.empty(), ckpt, Optional.empty()), training);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (EpochMetrics e : r.epochs()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", e.epoch());
                row.put("train_loss", round(e.trainLoss()));
                row.put("val_loss", round(e.valLoss()));
                row.put("val_attention", Double.isNaN(e.voice().attention()) ? null : round(e.voice().attention()));
                row.put("mel_frames_per_s", Math.round(e.framesPerSecond()));
                row.put("seconds", round(e.seconds()));
                rows.add(row);
            }
            m.put("epochs", rows);
            m.put("state", r.failure().isPresent() ? "pruned: " + r.failure().get() : "complete");
            m.put("checkpoint_bytes", Files.exists(ckpt) ? Files.size(ckpt) : null);
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            m.put("state", "failed");
            m.put("error", e.toString());
        }
        m.put("seconds", round((System.nanoTime() - t0) / 1e9));
        System.out.println("gpu-check: trial " + number + " " + m.get("state") + " in " + m.get("seconds") + " s");
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void write(Path out, Map<String, Object> report, long t0) throws IOException {
        report.put("java_seconds", round((System.nanoTime() - t0) / 1e9));
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report));
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
