package org.smarttuner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;

/**
 * bench peer with a stand-in for the Ray Tune script (no Ray, no training): the options, the child's
 * command line and environment, its result read back and printed, a failing child.
 */
class BenchPeerCommandTest {
    @TempDir
    Path tmp;

    /** Writes result.json as ray_tune_peer.py does, epochs 1 s apart from its start; records what it was given. */
    static final String STAND_IN = """
            import json, os, sys, time
            a = sys.argv[1:]
            assert a[0] == "run", a
            opt = dict(zip(a[1::2], a[2::2]))
            d = opt["--dir"]
            with open(os.path.join(d, "given.json"), "w") as f:
                json.dump({"argv": a, "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
                           "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "cwd": os.getcwd(),
                           "data": sorted(os.listdir(opt["--data"]))}, f)
            print("training", flush=True)
            seed = int(opt["--seed"])
            t = time.time()
            epochs = [{"trial": "x_00000", "epoch": 1, "ts": t + 1, "seconds": 0.8, "train_seconds": 0.7,
                       "train_loss": 5, "val_loss": 4.0, "val_mel_loss": 2, "val_gate_loss": 1, "val_mcd": 9,
                       "val_mcd_sl": 9.0 + seed, "val_stop_error": 1, "val_stop_rate": 0},
                      {"trial": "x_00001", "epoch": 1, "ts": t + 2, "seconds": 0.9, "train_seconds": 0.8,
                       "val_loss": 3.0, "val_mcd_sl": 6.0, "val_mcd": None},
                      {"trial": "x_00000", "epoch": 2, "ts": t + 3.5, "seconds": 0.7, "train_seconds": 0.6,
                       "val_loss": 2.0, "val_mcd_sl": 7.0}]
            trials = [{"trial": "x_00000", "params": {"learning_rate": 0.002}, "status": "TERMINATED", "epochs": 2,
                       "pruned": False},
                      {"trial": "x_00001", "params": {"learning_rate": 0.003}, "status": "TERMINATED", "epochs": 1,
                       "pruned": True}]
            with open(opt["--out"], "w") as f:
                json.dump({"arm": "ray-tune", "seed": seed, "ray_version": "0.0-stand-in", "torch_version": "none",
                           "start": t, "init_seconds": 0.25, "end": t + 4, "trials": trials, "epochs": epochs}, f)
            """;

    private Path script(String name, String text) throws Exception {
        Path s = tmp.resolve(name);
        Files.writeString(s, text);
        return s;
    }

    /** The smallest dataset: twelve synthetic utterances. */
    private List<String> args(Path work, Path script, String... more) {
        List<String> a = new ArrayList<>(List.of("bench", "peer", "--set", "data.path=" + tmp.resolve("corpus"),
                "--set", "data.size=12"));
        List<String> given = List.of(more);
        for (String[] o : new String[][] {{"--work", work.toString()}, {"--python", PythonEnv.python().toString()},
                {"--script", script.toString()}}) {
            if (!given.contains(o[0])) {
                a.addAll(List.of(o));
            }
        }
        a.addAll(given);
        return a;
    }

    @Test
    void theRayArmRunsTheScriptReadsItsResultAndPrintsTheFigures() throws Exception {
        Path work = tmp.resolve("work");
        Path script = script("stand_in.py", STAND_IN);
        MainTest.Run r = MainTest.run(args(work, script, "--arms", "ray-tune", "--seeds", "1,2", "--budget", "90s",
                "--metric", "val_mcd_sl", "--target", "8,6.5", "--loss-target", "2.5", "--threads", "1")
                .toArray(String[]::new));
        assertEquals(Main.OK, r.code(), r.err() + r.out());
        String out = r.out();
        assertTrue(out.contains("seed 1 ray-tune: 2 trials (1 pruned), 3 epochs in 4.0 s, Ray 0.0-stand-in, torch none"),
                out);
        // seed 1's trial 0 starts at 10, trial 1 reaches 6.0 at 2 s, after two epochs (0.8 + 0.9 s)
        assertTrue(out.contains("val_mcd_sl <= 8.0\n"), out);
        assertTrue(out.contains("1      ray-tune     yes             2.0          1.7        2     6.0000        2"
                + "        1          3"), out);
        assertTrue(out.contains("val_loss <= 2.5\n"), out);
        assertTrue(out.contains("median wall over 2 seed(s): ray-tune 2.0 s (reached in 2 of 2)"), out);
        // the first epoch was recorded at 1 s after 0.8 s of its own
        assertTrue(out.contains("1      ray-tune            3.5        2.4         1.1         0.55         0.37"
                + "             0.2        0.3"), out);

        JsonNode given = new ObjectMapper().readTree(work.resolve("ray-s2/given.json").toFile());
        Path data = work.resolve("data").toAbsolutePath();
        Path dir = work.resolve("ray-s2").toAbsolutePath();
        assertEquals(List.of("run", "--data", data.toString(), "--seed", "2", "--budget-seconds", "90", "--metric",
                "val_mcd_sl", "--stop-at", "6.5", "--out", dir.resolve("result.json").toString(), "--dir",
                dir.toString(), "--threads", "1"), new ObjectMapper().convertValue(given.get("argv"), List.class));
        assertEquals("1", given.get("omp_num_threads").asText());
        assertEquals(String.valueOf(System.getenv("OMP_WAIT_POLICY")), given.get("omp_wait_policy").asText("null"));
        assertEquals(Path.of("").toAbsolutePath().toString(), given.get("cwd").asText());
        assertEquals("[\"config.json\",\"train_mel.npy\",\"train_mel_lengths.npy\",\"train_text.npy\","
                + "\"train_text_lengths.npy\",\"val_mel.npy\",\"val_mel_lengths.npy\",\"val_text.npy\","
                + "\"val_text_lengths.npy\"]", given.get("data").toString());
        assertEquals("training\n", Files.readString(work.resolve("ray-s2/log.txt")));

        JsonNode config = new ObjectMapper().readTree(work.resolve("data/config.json").toFile());
        assertEquals("90s", config.at("/study/timeout").asText());
        assertEquals(1_000_000, config.at("/study/n_trials").asInt());
        assertEquals("val_mcd_sl", config.at("/study/metric").asText());
        assertEquals(6.5, config.at("/study/target_value").asDouble());
        assertEquals(12, config.at("/dataset/train").asInt() + config.at("/dataset/val").asInt());
        assertEquals(80, config.at("/dataset/n_mels").asInt());
        assertTrue(config.at("/dataset/n_symbols").asInt() > 1, config.toString());
        JsonNode npy = new ObjectMapper().readTree(PythonEnv.run("npy_info.py", 120,
                work.resolve("data/train_mel.npy").toString(), work.resolve("data/train_text.npy").toString()));
        assertEquals(config.at("/dataset/train").asInt(), npy.get(work.resolve("data/train_mel.npy").toString())
                .at("/shape/0").asInt());
        assertEquals(80, npy.get(work.resolve("data/train_mel.npy").toString()).at("/shape/1").asInt());
        assertEquals("int64", npy.get(work.resolve("data/train_text.npy").toString()).get("dtype").asText());

        JsonNode summary = new ObjectMapper().readTree(work.resolve("summary.json").toFile());
        assertEquals(2.0, summary.at("/targets/0/runs/0/wall_seconds").asDouble(), 1e-3);
        assertEquals("val_loss", summary.at("/targets/2/metric").asText());
        assertEquals(3.5, summary.at("/targets/2/runs/0/wall_seconds").asDouble(), 1e-3);
        assertEquals(0.25, summary.at("/overhead/0/startup_seconds").asDouble());

        // the same runs, another target, nothing run (the stand-in is gone)
        Files.delete(script);
        MainTest.Run again = MainTest.run(args(work, script, "--arms", "ray-tune", "--seeds", "1,2", "--metric",
                "val_mcd_sl", "--target", "7.5", "--analyze").toArray(String[]::new));
        assertEquals(Main.OK, again.code(), again.err());
        assertTrue(again.out().contains("1      ray-tune     yes             2.0"), again.out());
        assertFalse(again.out().contains("seed 1 ray-tune:"), "nothing ran: " + again.out());
        assertEquals(7.5, new ObjectMapper().readTree(work.resolve("summary.json").toFile())
                .at("/targets/0/target").asDouble());
    }

    @Test
    void aFailingScriptFailsTheBenchWithItsCommandAndLogTail() throws Exception {
        Path work = tmp.resolve("work");
        Path script = script("fails.py", """
                import sys
                for i in range(25):
                    print("ray says", i)
                print("Traceback: no GPU for you", file=sys.stderr)
                sys.exit(3)
                """);
        MainTest.Run r = MainTest.run(args(work, script, "--arms", "ray-tune", "--seeds", "4", "--target", "8")
                .toArray(String[]::new));
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.out());
        String err = r.err();
        assertTrue(err.contains("the Ray Tune run of seed 4 failed with exit code 3: " + PythonEnv.python() + " "
                + script + " run --data"), err);
        assertTrue(err.contains("the last 20 lines of " + work.resolve("ray-s4/log.txt").toAbsolutePath()), err);
        assertTrue(err.contains("ray says 24\nTraceback: no GPU for you"), err);
        assertTrue(err.contains("ray says 6\n") && !err.contains("ray says 5\n"), err);

        Path garbled = script("garbled.py", """
                import sys
                a = sys.argv
                open(a[a.index("--out") + 1], "w").write("{not json")
                """);
        r = MainTest.run(args(work, garbled, "--arms", "ray-tune", "--seeds", "4", "--target", "8")
                .toArray(String[]::new));
        assertEquals(Main.RUNTIME_ERROR, r.code(), r.out());
        assertTrue(r.err().contains("the Ray Tune result " + work.resolve("ray-s4/result.json").toAbsolutePath()
                + " is not valid JSON"), r.err());
    }

    @Test
    void everyBadOptionIsAUsageErrorThatDeletesNothing() throws Exception {
        Path work = tmp.resolve("work");
        Files.createDirectories(work.resolve("ray-s1"));
        Path marker = work.resolve("ray-s1/result.json");
        Files.writeString(marker, "earlier run");
        Path script = script("peer.py", "print('never run')\n");
        Path notExecutable = script("python", "");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        int cores = Runtime.getRuntime().availableProcessors();
        String[][] cases = {
            {"Missing required option: '--target", "--seeds", "1"},
            {"--seeds lists seed 2 twice", "--target", "8", "--seeds", "2,1,2"},
            {"Invalid value for option '--seeds'", "--target", "8", "--seeds", "one"},
            {"--budget must be a duration such as 90s, 8m or 1h, got 'soon'", "--target", "8", "--budget", "soon"},
            {"--budget must be a positive duration", "--target", "8", "--budget", "0s"},
            {"--target: target -1.0 is out of range for val_mcd_sl", "--target", "-1"},
            {"--loss-target: target -2.0 is out of range for val_loss", "--target", "8", "--loss-target", "-2"},
            {"--metric: unknown metric 'val_mcd_ls' (allowed:", "--target", "8", "--metric", "val_mcd_ls"},
            {"--metric: ray-tune reports train_loss, val_loss, val_mel_loss, val_gate_loss, val_mcd, val_mcd_sl, "
                    + "val_stop_error, val_stop_rate, not val_attention", "--target", "0.5", "--metric", "val_attention"},
            {"--threads must be from 1 to " + cores * 4 + " (4 x the " + cores + " cores this JVM sees), got 0",
                "--target", "8", "--threads", "0"},
            {"--threads must be from 1 to " + cores * 4, "--target", "8", "--threads", String.valueOf(cores * 4 + 1)},
            {"--arms: unknown arm 'ray' (allowed: ray-tune, smart-tuner)", "--target", "8", "--arms", "ray,smart-tuner"},
            {"--arms lists an arm twice", "--target", "8", "--arms", "ray-tune,ray-tune"},
            {"--python: " + tmp.resolve("nope") + " does not exist; make it from the project's root with: python3 -m "
                    + "venv .venv && .venv/bin/pip install torch \"ray[tune]\" optuna librosa", "--target", "8",
                "--python", tmp.resolve("nope").toString()},
            {"--python: " + notExecutable + " is not an executable file", "--target", "8", "--python",
                notExecutable.toString()},
            {"--script: the Ray Tune peer " + tmp.resolve("gone.py") + " does not exist; run from the project's root or "
                    + "pass --script FILE", "--target", "8", "--script", tmp.resolve("gone.py").toString()},
            {"--work " + tmp + " is emptied first, and it holds " + script, "--target", "8", "--work", tmp.toString()},
            {"--analyze reads earlier runs from --work, but " + tmp.resolve("none") + " is not a folder", "--target",
                "8", "--analyze", "--work", tmp.resolve("none").toString()},
        };
        for (String[] c : cases) {
            List<String> a = args(work, script, java.util.Arrays.copyOfRange(c, 1, c.length));
            MainTest.Run r = MainTest.run(a.toArray(String[]::new));
            assertEquals(Main.USAGE_ERROR, r.code(), c[0] + ": " + r.err() + r.out());
            assertTrue(r.err().contains(c[0]), "expected '" + c[0] + "' in: " + r.err());
            assertEquals("earlier run", Files.readString(marker), c[0] + " deleted --work");
            assertFalse(Files.exists(work.resolve("data")), c[0]);
        }
        // the folder we run from is never emptied
        MainTest.Run r = MainTest.run("bench", "peer", "--target", "8", "--work", ".", "--script", script.toString(),
                "--python", PythonEnv.python().toString());
        assertEquals(Main.USAGE_ERROR, r.code(), r.err());
        assertTrue(r.err().contains("is emptied first, and it holds the folder you run from"), r.err());
    }

    @Test
    void theChildsLimitAndEnvironment() {
        assertEquals(Duration.ofMinutes(17), BenchPeerCommand.childLimit(Duration.ofMinutes(4)));
        assertEquals(java.util.Map.of("OMP_NUM_THREADS", "3", "OMP_WAIT_POLICY", "PASSIVE"),
                BenchPeerCommand.childEnv(3, "PASSIVE"));
        assertEquals(java.util.Map.of("OMP_NUM_THREADS", "2"), BenchPeerCommand.childEnv(2, null));
        assertEquals(5, BenchPeerCommand.defaultThreads("5", 2));
        assertEquals(2, BenchPeerCommand.defaultThreads(null, 2));
        assertEquals(2, BenchPeerCommand.defaultThreads("two", 2));
        assertEquals(List.of("ray-tune", "smart-tuner"), BenchPeerCommand.arms(List.of("smart-tuner", "ray-tune")),
                "Ray first, whatever the order given");
        assertEquals(List.of("/v/python", "peer.py", "run", "--data", "/w/data", "--seed", "7", "--budget-seconds",
                "1.500", "--metric", "val_loss", "--stop-at", "0.25", "--out", "/w/ray-s7/result.json", "--dir",
                "/w/ray-s7", "--threads", "4"), BenchPeerCommand.command(Path.of("/v/python"), Path.of("peer.py"),
                Path.of("/w/data"), 7, Duration.ofMillis(1500), "val_loss", 0.25, Path.of("/w/ray-s7"), 4));
    }
}
