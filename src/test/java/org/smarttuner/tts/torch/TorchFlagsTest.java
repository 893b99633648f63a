package org.smarttuner.tts.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** TF32 and cuDNN's autotuner are set in libtorch itself and read back from it (libtorch keeps them on the CPU too). */
class TorchFlagsTest {
    @Test
    void whatIsSetIsWhatLibtorchHolds() {
        TorchFlags.State before = TorchFlags.read();
        try {
            assertEquals(new TorchFlags.State(false, false, false), TorchFlags.apply(false, false));
            assertEquals(new TorchFlags.State(false, false, false), TorchFlags.read());
            assertEquals(new TorchFlags.State(true, true, true), TorchFlags.apply(true, true));
            assertEquals(new TorchFlags.State(true, true, false), TorchFlags.apply(true, false));
            assertEquals("tf32 matmul on, tf32 cudnn on, cudnn benchmark off", TorchFlags.read().describe());
        } finally {
            TorchFlags.apply(Boolean.TRUE.equals(before.tf32Matmul()), Boolean.TRUE.equals(before.cudnnBenchmark()));
        }
    }
}
