package org.smarttuner.tts.train;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.smarttuner.tts.model.TestBatches;

/** Training stops at a step boundary when asked (a stopping JVM) or when its thread is interrupted. */
class TrainingStopTest {
    @AfterEach
    void forget() {
        TrainingStop.clear();
    }

    /** A benchmark of many steps in a thread of its own; the stop comes once it is training. */
    private static Throwable stopWhileTraining(Runnable stop) throws Exception {
        Thread[] runner = new Thread[1];
        CompletableFuture<Object> run = new CompletableFuture<>();
        runner[0] = new Thread(() -> {
            try {
                run.complete(TrainBenchmark.run(TestBatches.tiny(), TestData.training(1), Device.cpu(), 2, 6, 8, 20, 10,
                        0, 100_000));
            } catch (Throwable e) {
                run.completeExceptionally(e);
            }
        }, "stop-test-training");
        runner[0].start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (TrainingGuard.running() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300); // some steps in
        stop.run();
        runner[0].interrupt(); // harmless for a requested stop; the stop itself for the other test
        try {
            run.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aRequestedStopEndsTrainingAtTheNextStepAndTheHookSeesItIdle() throws Exception {
        Throwable e = stopWhileTraining(() -> TrainingStop.request("a test asks"));
        assertTrue(e instanceof TrainingStoppedException && e.getMessage().contains("a test asks"), String.valueOf(e));
        assertNull(TrainingGuard.running(), "the guard is released (after the trial's NDManager)");
        assertTrue(TrainingStop.onShutdown(Duration.ofSeconds(1)), "nothing left to wait for");
    }

    @Test
    void anInterruptedTrainingThreadStopsAtTheNextStep() throws Exception {
        Throwable e = stopWhileTraining(() -> { });
        assertTrue(e instanceof TrainingStoppedException && e.getMessage().contains("interrupted"), String.valueOf(e));
        assertNull(TrainingGuard.running());
    }
}
