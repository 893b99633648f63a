package org.smarttuner.tts.train;

import java.util.concurrent.atomic.AtomicReference;

/**
 * At most one training per JVM. DJL's PyTorch engine allows one GradientCollector per JVM at a time
 * (a second fails with "A PtGradientCollector is already collecting"), the engine's random
 * generator is global (a second training would perturb the first's dropout and break exact resume),
 * and the intra-op thread pool is shared. So Spark must run one training task per executor JVM:
 * spark.task.cpus equal to the executor's cores on CPU clusters, one GPU per executor and per task
 * on GPU clusters, and local[N] must not train two trials at once. A second concurrent start gets a
 * clear error instead of a corrupted first trial.
 */
public final class TrainingGuard implements AutoCloseable {
    private static final AtomicReference<String> RUNNING = new AtomicReference<>();

    private TrainingGuard() {
    }

    public static TrainingGuard acquire(String what) {
        if (!RUNNING.compareAndSet(null, what)) {
            throw new IllegalStateException("cannot start " + what + ": " + RUNNING.get()
                    + " is already training in this JVM. DJL's PyTorch engine trains one model per JVM at a time"
                    + " (one GradientCollector, one global RNG): run one training task per executor"
                    + " (spark.task.cpus = executor cores, or one GPU per executor)");
        }
        return new TrainingGuard();
    }

    @Override
    public void close() {
        RUNNING.set(null);
    }
}
