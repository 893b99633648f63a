package org.smarttuner.tts.torch;

/** Test access to package-private facts of {@link NativeTorch}. */
public final class NativeTorchAccess {
    private NativeTorchAccess() {
    }

    public static String djlVersion() {
        return NativeTorch.engineDjlVersion();
    }
}
