package org.smarttuner.tts.train;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * At most one training per JVM. DJL's PyTorch engine allows one GradientCollector per JVM at a time
 * (a second fails with "A PtGradientCollector is already collecting"), the engine's random
 * generator is global (a second training would perturb the first's dropout and break exact resume),
 * and the intra-op thread pool is shared. So Spark must run one training task per executor JVM:
 * spark.task.cpus equal to the executor's cores on CPU clusters, one GPU per executor and per task
 * on GPU clusters, and local[N] must not train two trials at once. A second concurrent start gets a
 * clear error instead of a corrupted first trial.
 *
 * <p>The guard is also how a stopping JVM knows training has left native code: it is closed after the
 * training's NDManager (see {@link TrainingStop}). Taking it installs that shutdown hook.
 */
public final class TrainingGuard implements AutoCloseable {
    private static final AtomicReference<String> RUNNING = new AtomicReference<>();
    private static final Object IDLE = new Object();

    private TrainingGuard() {
    }

    public static TrainingGuard acquire(String what) {
        TrainingStop.install();
        if (!RUNNING.compareAndSet(null, what)) {
            throw new IllegalStateException("cannot start " + what + ": " + RUNNING.get()
                    + " is already training in this JVM. DJL's PyTorch engine trains one model per JVM at a time"
                    + " (one GradientCollector, one global RNG): run one training task per executor"
                    + " (spark.task.cpus = executor cores, or one GPU per executor)");
        }
        return new TrainingGuard();
    }

    /** What is training in this JVM now, or null. */
    static String running() {
        return RUNNING.get();
    }

    /** Waits up to {@code bound} until no training holds the guard; true when none does. */
    static boolean awaitIdle(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (IDLE) {
            while (RUNNING.get() != null) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                try {
                    IDLE.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return RUNNING.get() == null;
                }
            }
            return true;
        }
    }

    @Override
    public void close() {
        RUNNING.set(null);
        synchronized (IDLE) {
            IDLE.notifyAll();
        }
    }
}
