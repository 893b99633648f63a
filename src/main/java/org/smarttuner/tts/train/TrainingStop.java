package org.smarttuner.tts.train;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops training at a step boundary before the JVM exits. A SIGTERM (YARN or Kubernetes preemption,
 * Airflow killing a task, Ctrl-C) runs the shutdown hooks and then exits the process, which tears
 * libtorch's native state down; a training step still running in native code at that moment crashes
 * the JVM (SIGSEGV, an {@code hs_err_pid*.log}). So the first training in a JVM installs one hook
 * ({@link #install()}) that asks every training loop to stop ({@link #check()} between steps throws
 * {@link TrainingStoppedException}) and waits, at most {@link #WAIT}, until the running training has
 * left native code and closed its NDManager ({@link TrainingGuard} released). The process then exits
 * with the signal's code (143 for SIGTERM, 130 for SIGINT).
 *
 * <p>Other parts of a stopping JVM (the tune driver) read {@link #requested()} to stop as well.
 */
public final class TrainingStop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingStop.class);
    /** How long the hook waits for a running step to finish; a Kubernetes pod gets 30 s by default. */
    public static final Duration WAIT = Duration.ofSeconds(
            Long.getLong("smarttuner.shutdown.wait.seconds", 30));
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static volatile String reason;

    private TrainingStop() {
    }

    /** Installs the shutdown hook once per JVM (later calls do nothing). */
    public static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> onShutdown(WAIT), "smart-tuner-shutdown"));
            } catch (IllegalStateException e) {
                // already shutting down: nothing to install
                request("the JVM is shutting down");
            }
        }
    }

    /** Asks every training loop in this JVM to stop at its next step boundary (the first reason stays). */
    public static void request(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    public static boolean requested() {
        return reason != null;
    }

    /**
     * Between steps: throws when a stop was asked for, or when this thread was interrupted (Spark
     * interrupts the task of a cancelled job; the step under way finishes first, native code is not
     * interruptible).
     */
    public static void check() {
        String r = reason;
        if (r != null) {
            throw new TrainingStoppedException("training stopped at a step boundary: " + r);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new TrainingStoppedException("training stopped at a step boundary: its thread was interrupted "
                    + "(the Spark task was cancelled)");
        }
    }

    /**
     * Waits up to {@code bound} until no training runs in this JVM (it left native code and closed its
     * NDManager); true when none does.
     */
    public static boolean awaitIdle(Duration bound) {
        return TrainingGuard.awaitIdle(bound);
    }

    /** The hook: stop training, wait for it to leave native code, then let the JVM exit. */
    static boolean onShutdown(Duration bound) {
        request("the JVM is shutting down (SIGTERM, SIGINT or System.exit)");
        String running = TrainingGuard.running();
        if (running == null) {
            return true;
        }
        long t0 = System.nanoTime();
        LOG.warn("Shutdown: stopping {} at its next step boundary before libtorch is torn down (waiting up to {} s)",
                running, bound.toSeconds());
        boolean idle = TrainingGuard.awaitIdle(bound);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (idle) {
            LOG.warn("Shutdown: training stopped cleanly after {} ms (its NDManager is closed); exiting", ms);
        } else {
            LOG.error("Shutdown: {} did not stop within {} s; exiting anyway", running, bound.toSeconds());
        }
        return idle;
    }

    /** Tests only: forget a stop asked for in this JVM. */
    static void clear() {
        reason = null;
    }
}
