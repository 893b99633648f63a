package org.smarttuner.tts.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The named arrays of one model: trainable weights and non-trainable buffers (batch-norm running
 * statistics), all owned by the trial's manager on the trial's device.
 *
 * <p>Why not DJL's Block/ParameterStore: its optimizers keep their state privately (a checkpoint
 * could not hold it, so a resumed run could not continue exactly), and its per-call parameter
 * lookup sits in the decoder's 200-steps-per-batch inner loop. Here every array is created once and
 * read directly. Names are stable ("encoder.conv0.weight"), which is what checkpoints store.
 *
 * <p>When {@code initial} holds an array of the same name (a checkpoint), it is used instead of a
 * random initialisation, after a shape check.
 */
public final class Params {
    private final NDManager manager;
    private final Device device;
    private final Map<String, NDArray> initial;
    private final Map<String, NDArray> trainable = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();

    public Params(NDManager manager, Device device, Map<String, NDArray> initial) {
        this.manager = manager;
        this.device = device;
        this.initial = Map.copyOf(initial);
    }

    public Params(NDManager manager, Device device) {
        this(manager, device, Map.of());
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return device;
    }

    /** Uniform(-bound, bound), trainable. */
    public NDArray uniform(String name, Shape shape, double bound) {
        return add(name, shape, true, () -> manager.randomUniform((float) -bound, (float) bound, shape,
                DataType.FLOAT32, device));
    }

    /** Xavier/Glorot uniform with a gain (NVIDIA's LinearNorm/ConvNorm); fans include the kernel size. */
    public NDArray xavier(String name, Shape shape, double gain) {
        long receptive = 1;
        for (int i = 2; i < shape.dimension(); i++) {
            receptive *= shape.get(i);
        }
        double fanOut = shape.get(0) * receptive;
        double fanIn = shape.get(1) * receptive;
        return uniform(name, shape, gain * Math.sqrt(6.0 / (fanIn + fanOut)));
    }

    public NDArray constant(String name, Shape shape, float value, boolean train) {
        return add(name, shape, train, () -> manager.full(shape, value, DataType.FLOAT32, device));
    }

    private NDArray add(String name, Shape shape, boolean train, java.util.function.Supplier<NDArray> init) {
        if (trainable.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("parameter " + name + " declared twice");
        }
        NDArray a;
        NDArray given = initial.get(name);
        if (given != null) {
            if (!given.getShape().equals(shape)) {
                throw new IllegalArgumentException("checkpoint parameter " + name + " has shape " + given.getShape()
                        + " but this model needs " + shape + " (were the model settings changed?)");
            }
            a = ownedCopy(given, device, manager);
        } else {
            a = init.get();
        }
        a.setName(name);
        if (train) {
            a.setRequiresGradient(true);
            trainable.put(name, a);
        } else {
            buffers.put(name, a);
        }
        return a;
    }

    /**
     * A copy of {@code source} on {@code device} that owns its memory, attached to {@code owner}.
     *
     * <p>Why not {@code source.toDevice(device, true)}: on the same device the PyTorch engine ignores
     * the copy flag and returns a tensor sharing the source's storage. An array read from a file or
     * made from Java data lives in a Java direct buffer that only the source's Java object keeps
     * alive; once that manager is closed and the buffer collected, the "copy" reads and writes
     * freed memory (seen as SIGSEGV in ~TensorImpl and in NDList.encode a while later).
     */
    public static NDArray ownedCopy(NDArray source, Device device, NDManager owner) {
        NDArray copy = source.getDevice().equals(device) ? source.duplicate() : source.toDevice(device, true);
        copy.attach(owner);
        return copy;
    }

    /** Trainable weights in declaration order. */
    public Map<String, NDArray> trainable() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Non-trainable state (batch-norm running statistics) in declaration order. */
    public Map<String, NDArray> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Every named array, weights first. */
    public Map<String, NDArray> all() {
        Map<String, NDArray> all = new LinkedHashMap<>(trainable);
        all.putAll(buffers);
        return Collections.unmodifiableMap(all);
    }

    public Optional<NDArray> find(String name) {
        return Optional.ofNullable(trainable.getOrDefault(name, buffers.get(name)));
    }

    /** Number of trainable scalars. */
    public long count() {
        return trainable.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Names of checkpoint arrays this model did not declare (a checkpoint of another model shape). */
    public java.util.Set<String> unusedInitial() {
        java.util.Set<String> unused = new java.util.TreeSet<>(initial.keySet());
        unused.removeAll(trainable.keySet());
        unused.removeAll(buffers.keySet());
        return unused;
    }
}
