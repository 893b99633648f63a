package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/**
 * The real Ray Tune arm of bench peer, small: Ray 2.58's Tuner with ASHA and OptunaSearch trains the
 * PyTorch Tacotron2 of ray_tune_peer.py on the features we export, for 40 seconds; its result is read
 * back and printed beside nothing else (--arms ray-tune). What the stand-in of BenchPeerCommandTest
 * cannot show: that the script runs against the Ray and Optuna the venv holds, that the trials it
 * reports are Optuna's draws from our search space, that Ray kept checkpoints, and that nothing of
 * Ray is left running afterwards.
 */
@Tag("slow")
class RayTunePeerTest {
    @Test
    void rayTunesThePyTorchTacotron2OnOurFeaturesAndLeavesNothingRunning(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("work");
        List<Long> before = rayProcesses(work);
        MainTest.Run r = MainTest.run("bench", "peer", "--set", "data.path=" + tmp.resolve("corpus"), "--set",
                "data.size=24", "--set", "training.epochs=3", "--set", "study.pruner.min_resource=1", "--work",
                work.toString(), "--python", PythonEnv.python().toString(), "--arms", "ray-tune", "--seeds", "5",
                "--budget", "40s", "--metric", "val_loss", "--target", "0.01", "--threads", "2");
        assertEquals(Main.OK, r.code(), r.err() + r.out() + log(work));
        assertTrue(r.out().contains("val_loss <= 0.01"), r.out());

        JsonNode result = new ObjectMapper().readTree(work.resolve("ray-s5/result.json").toFile());
        assertTrue(result.get("ray_version").asText().startsWith("2."), result.toString());
        JsonNode trials = result.get("trials");
        assertTrue(trials.size() >= 2, "40 s hold more than one trial of at most 3 short epochs: " + result);
        for (JsonNode t : trials) {
            JsonNode p = t.get("params");
            double lr = p.get("learning_rate").asDouble();
            assertTrue(lr >= 1e-3 && lr <= 4e-3, "learning_rate outside the search space: " + p);
            double dropout = p.get("p_attention_dropout").asDouble();
            assertEquals(0.0, Math.IEEEremainder(dropout, 0.05), 1e-9, "p_attention_dropout off its 0.05 steps: " + p);
            assertTrue(t.get("epochs").asInt() <= 3, t.toString());
        }
        assertFalse(trials.get(0).get("params").equals(trials.get(1).get("params")), "two trials, one draw");
        JsonNode epochs = result.get("epochs");
        assertTrue(epochs.size() >= 2, result.toString());
        for (JsonNode e : epochs) {
            assertTrue(Double.isFinite(e.get("val_loss").asDouble()) && e.get("val_loss").asDouble() > 0, e.toString());
            assertTrue(e.get("val_mcd_sl").asDouble() >= e.get("val_mcd").asDouble(), "the length penalty is >= 1: " + e);
            assertTrue(e.get("ts").asDouble() >= result.get("start").asDouble(), e.toString());
        }
        try (Stream<Path> files = Files.walk(work.resolve("ray-s5/ray_results"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("trial.pt")),
                    "Ray kept no trial checkpoint");
        }
        List<Long> left = new java.util.ArrayList<>(rayProcesses(work));
        left.removeAll(before);
        assertTrue(left.isEmpty(), "Ray processes still running: " + left);
    }

    /** Processes of this run's Ray (its session folder is /tmp/ray-peer-PID) or reading its work folder. */
    private static List<Long> rayProcesses(Path work) {
        return ProcessHandle.allProcesses().filter(p -> p.isAlive() && p.info().commandLine()
                .map(c -> c.contains(work.toString()) || c.contains("ray-peer-")).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private static String log(Path work) {
        try {
            return Files.readString(work.resolve("ray-s5/log.txt"));
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
