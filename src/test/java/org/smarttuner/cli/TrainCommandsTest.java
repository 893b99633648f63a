package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TrainCommandsTest {
    private static int run(StringWriter err, String... args) {
        return Main.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void badDeviceIsAUsageError() {
        StringWriter err = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(err, "train", "--device", "tpu:1"));
        assertTrue(err.toString().contains("'tpu:1' is not cpu or gpu:N"), err.toString());
    }

    @Test
    void benchNeedsAtLeastOneStep() {
        StringWriter err = new StringWriter();
        assertEquals(Main.USAGE_ERROR, run(err, "bench", "train", "--steps", "0"));
        assertTrue(err.toString().contains("--steps >= 1"), err.toString());
    }

    @Test
    void parsesDevices() {
        assertEquals(ai.djl.Device.cpu(), BenchTrainCommand.parseDevice("CPU"));
        assertEquals(ai.djl.Device.gpu(3), BenchTrainCommand.parseDevice("gpu:3"));
        assertEquals(ai.djl.Device.gpu(0), BenchTrainCommand.parseDevice("gpu"));
    }
}
