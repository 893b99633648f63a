package org.smarttuner;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.smarttuner.tts.torch.NativeTorch;

/**
 * Settles libtorch once per test JVM before any test loads DJL, as {@code smart-tuner}'s main and
 * the executors do: with the {@code -Pcuda} build that extracts the bundled CUDA natives and forces
 * their flavour, so the tests run that build's libtorch on a machine without a GPU, offline.
 */
public final class LibTorchForTests implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeTorch.prepare();
    }
}
