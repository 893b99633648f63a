package org.smarttuner.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.smarttuner.tts.audio.AudioSettings;
import org.smarttuner.tts.audio.MelSpectrogram;
import org.smarttuner.tts.data.Batch;
import org.smarttuner.tts.data.BatchIndices;
import org.smarttuner.tts.data.BatchLoader;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.data.DatasetPreparer;
import org.smarttuner.tts.data.DatasetSplit;
import org.smarttuner.tts.data.FeatureCache;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.Utterance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Measures the data pipeline: feature extraction speed, feature cache size, batch assembly time. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Measure the data pipeline with Tacotron2's audio settings (22050 Hz, hop 256, 80 mels):",
            "feature extraction speed (seconds of audio per second, WAV reading included), the feature",
            "cache's size per hour of audio (on disk and in memory), the time to load it back, and the",
            "time to assemble a padded batch on the CPU. Uses a fresh synthetic corpus unless --data",
            "names an LJSpeech-layout folder. PyTorch's thread count: -Dai.djl.pytorch.num_threads=N."})
final class BenchDataCommand implements Callable<Integer> {
    private static final AudioSettings TACOTRON2 = new AudioSettings(22050, 1024, 256, 1024, 80, 0, 8000, 1e-5);

    @Option(names = "--size", defaultValue = "300", paramLabel = "N",
            description = "Utterances of the synthetic corpus, or rows read from --data (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--data", paramLabel = "DIR", description = "An LJSpeech-layout folder to measure instead.")
    Path data;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--reduction", defaultValue = "2", description = "n_frames_per_step (default: ${DEFAULT-VALUE}).")
    int reduction;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs of batches to assemble (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (size < 1 || batchSize < 1 || reduction < 1 || epochs < 1) {
            throw new UsageException("--size, --batch-size, --reduction and --epochs must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("smart-tuner-bench-data");
        try {
            Path dir;
            String corpus;
            if (data != null) {
                // a scratch view of the dataset (its metadata, a link to its wavs) so the cache this
                // run writes never replaces the dataset's own
                if (!Files.isRegularFile(data.resolve("metadata.csv")) || !Files.isDirectory(data.resolve("wavs"))) {
                    throw new UsageException("--data " + data + " is not in LJSpeech layout (metadata.csv and wavs/)");
                }
                dir = work.resolve("dataset");
                Files.createDirectories(dir);
                Files.copy(data.resolve("metadata.csv"), dir.resolve("metadata.csv"));
                Files.createSymbolicLink(dir.resolve("wavs"), data.resolve("wavs").toAbsolutePath());
                corpus = "ljspeech";
            } else {
                dir = work.resolve("synthetic");
                corpus = "synthetic";
            }
            DataSettings settings = new DataSettings(corpus, dir.toString(), size, 7, 0.1, "skip", "drop", "english",
                    100_000, 1_000_000, TACOTRON2);
            DatasetPreparer.ensureCorpus(settings, dir);
            warmUp();

            PreparedDataset cold = DatasetPreparer.prepare(settings);
            double audio = cold.report().audioSeconds();
            out.printf(Locale.ROOT, "dataset: %d utterances, %.1f min of audio (%s)%n", cold.report().usable(), audio / 60, dir);
            out.printf(Locale.ROOT, "feature extraction (read WAV, STFT, mel, log; cold cache): %.2f s -> %.0f s of audio per s%n",
                    cold.report().seconds(), audio / cold.report().seconds());
            PreparedDataset warm = DatasetPreparer.prepare(settings);
            out.printf(Locale.ROOT, "prepare again from the cache: %.2f s -> %.0f s of audio per s (%d reused)%n",
                    warm.report().seconds(), audio / warm.report().seconds(), warm.report().featuresReused());
            long disk = Files.size(new FeatureCache(dir, TACOTRON2).file());
            long memory = memoryBytes(cold.train()) + memoryBytes(cold.validation());
            double hours = audio / 3600;
            out.printf(Locale.ROOT, "feature cache: %.2f MB on disk, %.2f MB in memory -> %.1f MB on disk and %.1f MB in "
                    + "memory per hour of audio%n", disk / 1e6, memory / 1e6, disk / 1e6 / hours, memory / 1e6 / hours);

            DatasetSplit train = cold.train();
            BatchLoader loader = new BatchLoader(train, batchSize, reduction);
            try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
                for (BatchIndices b : loader.plan(-1)) {
                    try (NDManager m = root.newSubManager(); Batch batch = loader.assemble(b, m, Device.cpu())) {
                        batch.size();
                    }
                }
                int n = 0;
                double[] ms = new double[epochs * loader.batchesPerEpoch()];
                long frames = 0;
                for (int e = 0; e < epochs; e++) {
                    for (BatchIndices b : loader.plan(e)) {
                        long t0 = System.nanoTime();
                        try (NDManager m = root.newSubManager(); Batch batch = loader.assemble(b, m, Device.cpu())) {
                            frames += batch.mel().getShape().get(2) * batch.size();
                        }
                        ms[n++] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Arrays.sort(ms);
                double mean = Arrays.stream(ms).average().orElse(0);
                out.printf(Locale.ROOT, "batch assembly (B=%d, r=%d, CPU, create + close): mean %.2f ms, median %.2f ms, "
                        + "p95 %.2f ms, max %.2f ms over %d batches (%.0f padded frames per batch)%n", batchSize, reduction,
                        mean, ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1], ms.length,
                        (double) frames / ms.length);
            }
            out.println("(figures depend on machine load; rerun on a quiet machine before comparing)");
            out.flush();
            return Main.OK;
        } finally {
            deleteTree(work);
        }
    }

    /** Loads the engine and JIT-compiles the mel path, so the figures below measure steady work. */
    private static void warmUp() {
        MelSpectrogram mel = new MelSpectrogram(TACOTRON2);
        float[] x = new float[22050];
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int i = 0; i < 20; i++) {
                mel.compute(x, m);
            }
        }
    }

    private static long memoryBytes(DatasetSplit s) {
        long b = 0;
        for (Utterance u : s.items()) {
            b += 4L * u.mel().length + 4L * u.text().length;
        }
        return b;
    }

    /** Deletes a folder and everything under it; a folder that is not there is already deleted. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
