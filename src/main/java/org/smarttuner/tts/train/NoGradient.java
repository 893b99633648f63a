package org.smarttuner.tts.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's grad mode off on this thread until closed, then restores it. Grad mode is per
 * thread and on by default; DJL turns it off only on the thread that started the engine. On any
 * other thread (a Spark task, the driver's report) every op on a parameter would then record
 * autograd history: a 1,000-step synthesis kept gigabytes of graph alive, and an in-place update of a
 * parameter fails ("a leaf Variable that requires grad is being used in an in-place operation").
 */
public final class NoGradient implements AutoCloseable {
    private final boolean previous;

    private NoGradient() {
        Engine.getEngine("PyTorch"); // loads libtorch before the first native call
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGradient open() {
        return new NoGradient();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
