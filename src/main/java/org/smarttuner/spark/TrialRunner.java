package org.smarttuner.spark;

import ai.djl.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.tts.data.DataSettings;
import org.smarttuner.tts.data.PreparedDataset;
import org.smarttuner.tts.data.PreparedDatasets;
import org.smarttuner.tts.train.DamagedCheckpointException;
import org.smarttuner.tts.train.EpochMetrics;
import org.smarttuner.tts.train.LoaderBatchSource;
import org.smarttuner.tts.train.SegmentResult;
import org.smarttuner.tts.train.SegmentTrainer;
import org.smarttuner.tts.train.TargetStop;
import org.smarttuner.tts.train.TrainingData;
import org.smarttuner.tts.train.TrainingSegment;
import org.smarttuner.tts.torch.CudaProbe;
import org.smarttuner.tts.torch.DeviceSetup;
import org.smarttuner.tts.torch.NativeTorch;

/**
 * The executor side of a segment: picks the device Spark assigned to the task, loads the
 * prepared features (once per executor JVM), copies the trial's checkpoint in from shared
 * storage, trains with the Tacotron2 trainer, copies the new checkpoint out, and returns the
 * epochs. It never touches the study's stores.
 *
 * <p>One training per JVM: DJL's PyTorch engine collects gradients for one model at a time. On a
 * cluster Spark runs one task per executor (see README); under {@code local[N]} the tasks share
 * the driver's JVM, so they take turns here instead of failing.
 */
public final class TrialRunner implements SegmentWork {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);
    private static final ReentrantLock ONE_TRAINING = new ReentrantLock(true);

    @Override
    public SegmentOutcome run(SegmentRequest r) throws IOException {
        long start = System.currentTimeMillis();
        TaskContext ctx = TaskContext.get();
        String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        String host = InetAddress.getLocalHost().getHostName();
        Optional<String> gpu = assignedGpu(ctx);
        Configuration hadoop = hadoopConf();
        Path local = Files.createTempDirectory("smart-tuner-" + r.study() + "-trial" + r.number() + "-");
        try {
            Device device;
            String engine;
            try {
                NativeTorch.prepare(); // libtorch from the archive (or the bundled CUDA natives), offline
                device = device(r, gpu);
                engine = DeviceSetup.prepare(device, r.training().tf32(), r.training().cudnnBenchmark());
            } catch (IllegalStateException e) {
                return error(r, e.getMessage(), executor, host, gpu, start);
            }
            Optional<Path> resume = Optional.empty();
            if (r.resumeFrom().isPresent()) {
                Path in = local.resolve("in.ckpt");
                try {
                    Checkpoints.download(r.resumeFrom().get(), in, hadoop); // other I/O failures: Spark retries the task
                } catch (DamagedCheckpointException e) {
                    return damaged(r, e, executor, host, gpu, start);
                }
                resume = Optional.of(in);
            }
            Path out = local.resolve("out.ckpt");
            SegmentResult result;
            ONE_TRAINING.lock();
            try {
                PreparedDataset data = dataset(r.data());
                LOG.info("trial {} segment {}: dataset {} loaded in this executor ({} train / {} validation "
                        + "utterances); training epochs {}->{} on {}", r.number(), r.segment(), r.data().path(),
                        data.train().size(), data.validation().size(), r.fromEpoch(), r.toEpoch(), device);
                TrainingData training = LoaderBatchSource.of(data, r.training().batchSize(),
                        r.model().nFramesPerStep());
                result = SegmentTrainer.run(new TrainingSegment(r.model(), r.training(), device, r.fromEpoch(),
                        r.toEpoch(), resume, out, Optional.empty(), r.stopRule()), training);
            } catch (IllegalArgumentException | IllegalStateException | OutOfMemoryError
                     | ai.djl.engine.EngineException e) {
                // The trial's own problem (bad parameters, out of memory): fail it, do not retry the task.
                LOG.warn("trial {} failed: {}", r.number(), e.toString());
                return error(r, e.getClass().getSimpleName() + ": " + e.getMessage(), executor, host, gpu, start);
            } catch (UncheckedIOException e) {
                // The local copy checked out after the download but not when the trainer read it: the same verdict.
                Optional<DamagedCheckpointException> d = DamagedCheckpointException.in(e);
                if (d.isEmpty() || r.resumeFrom().isEmpty()) {
                    throw e;
                }
                return damaged(r, d.get().copiedFrom(r.resumeFrom().get()), executor, host, gpu, start);
            } finally {
                ONE_TRAINING.unlock();
            }
            List<EpochStats> epochs = new ArrayList<>();
            for (EpochMetrics m : result.epochs()) {
                epochs.add(new EpochStats(m.epoch(), m.trainLoss(), m.valLoss(), m.valMelLoss(), m.valGateLoss(),
                        m.attentionSharpness(), m.voice(), m.framesPerSecond(), m.seconds(), m.peakRssBytes() / 1048576.0));
            }
            String checkpoint = null;
            if (result.checkpoint().isPresent()) {
                // Named for the epoch it holds: the last one trained (before toEpoch when the target stopped it).
                int reached = result.last().map(EpochMetrics::epoch).orElse(r.toEpoch());
                if (result.reachedTarget()) {
                    LOG.info("trial {} segment {}: reached the target ({}) at epoch {} of {}->{}", r.number(),
                            r.segment(), r.stopRule().map(TargetStop::describe).orElse("?"), reached, r.fromEpoch(),
                            r.toEpoch());
                }
                checkpoint = r.checkpointOut(reached);
                Checkpoints.upload(out, checkpoint, hadoop);
            }
            TrialArtifacts artifacts = null;
            if (r.rungArtifacts() >= 0 && result.sample().isPresent()) {
                long t0 = System.nanoTime();
                try {
                    artifacts = TrialArtifacts.of(result.sample().get(), r.data().audio(), r.rungArtifacts(),
                            r.training().seed());
                    LOG.debug("trial {} segment {}: rung artifacts in {} ms", r.number(), r.segment(),
                            (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    // Something to look at, never a reason to lose the segment.
                    LOG.warn("trial {} segment {}: no rung artifacts: {}", r.number(), r.segment(), e.toString());
                }
            }
            return new SegmentOutcome(r.study(), r.number(), r.segment(), epochs, checkpoint,
                    result.failure().orElse(null), null, executor, host, gpu.orElse(null), start,
                    System.currentTimeMillis(), null, artifacts, engine);
        } finally {
            deleteTree(local);
        }
    }

    /** The executor's Hadoop settings: the defaults plus Spark's spark.hadoop.* entries. */
    static Configuration hadoopConf() {
        Configuration c = new Configuration();
        if (SparkEnv.get() != null) {
            for (scala.Tuple2<String, String> kv : SparkEnv.get().conf().getAllWithPrefix("spark.hadoop.")) {
                c.set(kv._1(), kv._2());
            }
        }
        return c;
    }

    private static SegmentOutcome error(SegmentRequest r, String message, String executor, String host,
                                        Optional<String> gpu, long start) {
        return new SegmentOutcome(r.study(), r.number(), r.segment(), List.of(), null, null, message, executor, host,
                gpu.orElse(null), start, System.currentTimeMillis());
    }

    /**
     * A segment that cannot start because its checkpoint is damaged: not retried as a task (the file
     * stays damaged), reported for the driver to decide (see {@link SegmentOutcome#damagedCheckpointPath()}).
     */
    private static SegmentOutcome damaged(SegmentRequest r, DamagedCheckpointException e, String executor,
                                          String host, Optional<String> gpu, long start) {
        LOG.warn("trial {} segment {}: {}", r.number(), r.segment(), e.getMessage());
        return new SegmentOutcome(r.study(), r.number(), r.segment(), List.of(), null, null, e.getMessage(), executor,
                host, gpu.orElse(null), start, System.currentTimeMillis(), r.resumeFrom().orElseThrow());
    }

    /** The GPU address Spark assigned to this task, if any. */
    static Optional<String> assignedGpu(TaskContext ctx) {
        if (ctx == null) {
            return Optional.empty();
        }
        scala.Option<ResourceInformation> info = ctx.resources().get("gpu");
        if (info.isEmpty() || info.get().addresses().length == 0) {
            return Optional.empty();
        }
        return Optional.of(info.get().addresses()[0]);
    }

    static Device device(SegmentRequest r, Optional<String> gpu) {
        if (gpu.isEmpty()) {
            if (r.device().equals("gpu")) {
                throw new IllegalStateException("execution.device is gpu but Spark assigned no GPU to this task: set "
                        + "spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a GPU discovery "
                        + "script (see jobs/gpu-discovery.sh)");
            }
            return Device.cpu();
        }
        if (r.device().equals("cpu")) {
            return Device.cpu();
        }
        int id;
        try {
            id = Integer.parseInt(gpu.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + gpu.get() + "', which is not a CUDA "
                    + "device index; the discovery script must print indices such as \"0\"");
        }
        // Asked of the CUDA runtime libtorch loaded (bundled or archived), not of a system libcudart.
        CudaProbe.CudaInfo cuda = CudaProbe.probe();
        int count = cuda.devices();
        if (count == 0) {
            if (r.device().equals("auto")) {
                LOG.warn("GPU {} assigned but this executor cannot use it ({}); training on the CPU", id,
                        cuda.problem());
                return Device.cpu();
            }
            throw new IllegalStateException("Spark assigned GPU " + id + " but this executor cannot use it: "
                    + cuda.problem());
        }
        if (id >= count) {
            throw new IllegalStateException("Spark assigned GPU " + id + " but this executor sees " + count
                    + " GPU(s); check CUDA_VISIBLE_DEVICES and the discovery script");
        }
        return Device.gpu(id);
    }

    /**
     * Prepares the dataset on the driver before any Spark job (generating a built-in corpus when
     * needed and computing the features once); executors then load the cached features. Returns
     * the dataset, as the driver now holds it (bench peer writes it out for its PyTorch peer).
     */
    public static PreparedDataset prepare(DataSettings settings) {
        return dataset(settings);
    }

    /** Features prepared once per dataset and audio settings, kept for the executor JVM's life. */
    static PreparedDataset dataset(DataSettings settings) {
        try {
            return PreparedDatasets.get(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the dataset at " + settings.path() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not clean {}: {}", dir, e.getMessage());
        }
    }
}
