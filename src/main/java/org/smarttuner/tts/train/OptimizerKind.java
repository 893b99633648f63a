package org.smarttuner.tts.train;

import java.util.Arrays;
import java.util.Locale;

/** Adam with L2 weight decay added to the gradient (PyTorch's Adam), or AdamW's decoupled decay. */
public enum OptimizerKind {
    ADAM, ADAMW;

    public static OptimizerKind parse(String name) {
        for (OptimizerKind k : values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; allowed: "
                + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
    }
}
