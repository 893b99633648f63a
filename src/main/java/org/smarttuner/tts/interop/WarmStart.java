package org.smarttuner.tts.interop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smarttuner.tts.model.ModelSettings;
import org.smarttuner.tts.model.Tacotron2;
import org.smarttuner.tts.train.Checkpoint;

/**
 * The weights a fresh model starts from ({@code training.init_from}): NVIDIA's Tacotron2 as a
 * PyTorch checkpoint or safetensors (mapped by {@link NvidiaTacotron2}), or one of this tool's own
 * checkpoints (its weights only; the optimizer starts fresh either way, as NVIDIA's
 * {@code --warm_start} does). {@code training.init_ignore} names parameters left to a fresh
 * initialisation, in NVIDIA's names ({@code embedding.weight}, the default, for a new symbol set);
 * for our own checkpoints our names are accepted too.
 *
 * <p>The mapped weights are kept for the next trial in the same JVM (one entry, keyed by the file's
 * path, size and modification time and the model's sizes, not its dropouts), so an executor reads the file once
 * however many trials it runs.
 */
public final class WarmStart {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);
    private static final Object LOCK = new Object();
    private static Key cachedKey;
    private static Loaded cached;

    private WarmStart() {
    }

    /** Mapped weights by our names, what they came from, and what was left out. */
    public record Loaded(Map<String, HostTensor> weights, String description) {
    }

    private record Key(Path file, long size, long modified, String model, int nSymbols, int nMels, List<String> ignore) {
    }

    /** The weights to start from, read (once per JVM) and mapped to our names. */
    public static Loaded load(String initFrom, ModelSettings model, int nSymbols, int nMels, List<String> ignore)
            throws IOException {
        Path file = Path.of(initFrom).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new CheckpointFormatException("training.init_from: " + file + " does not exist (on this machine: "
                    + "an executor needs it on a path every node sees, e.g. a shared or /dbfs mount)");
        }
        // the sizes, not the whole model section: trials that tune a dropout share the mapped weights
        String sizes = NvidiaTacotron2.sizes(model, nMels) + ", r=" + model.nFramesPerStep();
        Key key = new Key(file, Files.size(file), Files.getLastModifiedTime(file).toMillis(), sizes, nSymbols, nMels,
                List.copyOf(ignore));
        synchronized (LOCK) {
            if (key.equals(cachedKey)) {
                return cached;
            }
            long start = System.nanoTime();
            Loaded loaded = read(file, model, nSymbols, nMels, Set.copyOf(ignore));
            LOG.info("warm start: {} read in {} ms", loaded.description(), (System.nanoTime() - start) / 1_000_000);
            cachedKey = key;
            cached = loaded;
            return loaded;
        }
    }

    /**
     * Reads the file and checks that the model section fits it, by building the model from it once on
     * the CPU: what a configuration check runs before any Spark job.
     *
     * @return a line describing the file, for the log
     */
    public static String check(String initFrom, ModelSettings model, int nSymbols, int nMels, List<String> ignore)
            throws IOException {
        Loaded l = load(initFrom, model, nSymbols, nMels, ignore);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            new Tacotron2(model, nSymbols, nMels, m, Device.cpu(), EngineTensors.toArrays(l.weights(), m));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(initFrom + " does not fit the model section: " + e.getMessage(), e);
        }
        return l.description();
    }

    private static Loaded read(Path file, ModelSettings model, int nSymbols, int nMels, Set<String> ignore)
            throws IOException {
        if (isOurCheckpoint(file)) {
            return ours(file, ignore);
        }
        StateFile f = WeightFiles.read(file).withoutModulePrefix();
        if (!NvidiaTacotron2.isNvidia(f.tensors())) {
            throw new CheckpointFormatException(file + " is a " + f.format() + " file but not NVIDIA's Tacotron2 (no "
                    + NvidiaTacotron2.EMBEDDING + " or decoder.attention_rnn.weight_ih among its "
                    + f.tensors().size() + " tensors; first: " + f.tensors().keySet().stream().limit(5).toList() + ")");
        }
        List<String> mismatched = mismatchedSizes(f.tensors(), model, nMels);
        try {
            Map<String, HostTensor> ours = NvidiaTacotron2.toOurs(file.toString(), f.tensors(), model, nSymbols, nMels,
                    ignore);
            String left = ignore.isEmpty() ? "" : ", " + String.join(", ", ignore) + " left out";
            Object iteration = f.info().get("iteration");
            return new Loaded(ours, file + " (NVIDIA Tacotron2, " + f.format() + ", " + f.tensors().size() + " tensors"
                    + (iteration == null ? "" : ", iteration " + iteration) + left + ")");
        } catch (CheckpointFormatException e) {
            if (mismatched.isEmpty()) {
                throw e;
            }
            throw new CheckpointFormatException(file + " was trained with other model sizes than the model section's: "
                    + String.join("; ", mismatched) + ". Set these in the model section (or data.audio) to start from "
                    + "it. Details: " + e.getMessage(), e);
        }
    }

    private static List<String> mismatchedSizes(Map<String, HostTensor> theirs, ModelSettings model, int nMels) {
        Map<String, Long> file = NvidiaTacotron2.sizes(theirs);
        Map<String, Long> here = NvidiaTacotron2.sizes(model, nMels);
        List<String> out = new ArrayList<>();
        file.forEach((k, v) -> {
            if (!Objects.equals(here.get(k), v)) {
                out.add(k + " is " + here.get(k) + " here, " + v + " in the file");
            }
        });
        return out;
    }

    private static boolean isOurCheckpoint(Path file) throws IOException {
        byte[] head = WeightFiles.head(file, 4);
        return head.length == 4 && head[0] == 'S' && head[1] == 'T' && head[2] == 'C' && head[3] == 'P';
    }

    private static Loaded ours(Path file, Set<String> ignore) throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Checkpoint c = Checkpoint.read(file, m);
            Map<String, HostTensor> weights = new LinkedHashMap<>(EngineTensors.fromArrays(c.weights()));
            Set<String> left = new LinkedHashSet<>();
            for (String name : ignore) {
                String ours = name.equals(NvidiaTacotron2.EMBEDDING) ? "encoder.embedding" : name;
                if (weights.remove(ours) == null) {
                    throw new CheckpointFormatException("training.init_ignore names " + name + ", which checkpoint "
                            + file + " does not hold (its names: " + c.weights().keySet() + ")");
                }
                left.add(name);
            }
            return new Loaded(weights, file + " (a Smart Tuner checkpoint at epoch " + c.epoch() + ", "
                    + c.weights().size() + " arrays" + (left.isEmpty() ? "" : ", " + String.join(", ", left)
                    + " left out") + ")");
        }
    }
}
