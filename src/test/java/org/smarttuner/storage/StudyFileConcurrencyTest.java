package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.PythonEnv;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/** Several processes on one study file, and an outside process holding the lock. Slow: real seconds. */
@Tag("slow")
class StudyFileConcurrencyTest {
    @TempDir
    Path dir;

    private static Process javaProcess(Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Process python(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PythonEnv.python().toString(), PythonEnv.script(script).toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void fourWritersAndTwoReadersForAMinute() throws Exception {
        Path f = dir.resolve("race.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("race", StudyDirection.MINIMIZE);
        }
        int seconds = 60;
        List<Process> writers = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
            writers.add(javaProcess(ConcurrencyWorker.class, f.toString(), String.valueOf(w), String.valueOf(seconds)));
        }
        Process optunaReader = python("optuna_reader_loop.py", SqliteUrl.of(f), "race", String.valueOf(seconds));
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> readerError = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long end = System.currentTimeMillis() + seconds * 1000L;
            try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
                while (System.currentTimeMillis() < end) {
                    List<FrozenTrial> trials = st.trials("race");
                    for (int i = 0; i < trials.size(); i++) {
                        if (trials.get(i).number() != i) {
                            throw new AssertionError("trial numbers not 0..n-1 at " + i);
                        }
                    }
                    reads.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (Throwable e) {
                readerError.set(e);
            }
        });
        reader.start();
        Map<Integer, Integer> told = new HashMap<>();
        for (int w = 0; w < 4; w++) {
            Process p = writers.get(w);
            String out = read(p);
            assertTrue(p.waitFor(seconds + 120, TimeUnit.SECONDS), "writer " + (w + 1) + " hangs");
            assertEquals(0, p.exitValue(), "writer " + (w + 1) + " failed:\n" + out);
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("DONE "), out);
            told.put(w + 1, Integer.parseInt(last.substring(5).strip()));
        }
        reader.join();
        String optunaOut = read(optunaReader);
        assertTrue(optunaReader.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, optunaReader.exitValue(), "Optuna reader failed:\n" + optunaOut);
        assertTrue(readerError.get() == null, "our reader failed: " + readerError.get());
        List<FrozenTrial> trials;
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            trials = st.trials("race");
        }
        Set<Double> values = new HashSet<>();
        for (FrozenTrial t : trials) {
            assertEquals(TrialState.COMPLETE, t.state(), "trial " + t.number());
            assertTrue(values.add(t.value().orElseThrow()), "value told twice: " + t.value());
        }
        int expected = 0;
        for (Map.Entry<Integer, Integer> e : told.entrySet()) {
            expected += e.getValue();
            for (int s = 0; s < e.getValue(); s++) {
                assertTrue(values.contains(e.getKey() * 1e6 + s), "writer " + e.getKey() + " value " + s + " lost");
            }
        }
        assertEquals(expected, trials.size(), "no trial lost or doubled");
        System.out.printf("4 writers told %s trials in %d s (%.1f ask+tell/s); our reader read %d times, Optuna's %s%n",
                told, seconds, expected / (double) seconds, reads.get(), optunaOut.strip());
    }

    private static String read(Process p) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private Process holdLock(Path f, int seconds) throws Exception {
        Process holder = python("hold_lock.py", f.toString(), String.valueOf(seconds));
        BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", r.readLine());
        return holder;
    }

    @Test
    void writesWaitForAnOutsideLockHolderAndSucceed() throws Exception {
        Path f = dir.resolve("held.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
        }
        Process holder = holdLock(f, 5);
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.writeTrial("s", SqliteStudyStorageTest.sampleTrials(1).get(0));
            // The write returned, so the holder must have let go: it cannot still be holding the lock.
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, st.trials("s").size());
        }
        assertEquals(0, holder.exitValue());
    }

    @Test
    void aLockHeldPastTheRetryBudgetFailsNamingTheHolder() throws Exception {
        Path f = dir.resolve("held.db");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("s", StudyDirection.MINIMIZE);
        }
        Process holder = holdLock(f, 5);
        SqliteStudyStorage.RetryPolicy shortBudget = new SqliteStudyStorage.RetryPolicy(Duration.ofMillis(200),
                Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(200));
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f, shortBudget, Clock.systemUTC())) {
            StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class,
                    () -> st.writeTrial("s", SqliteStudyStorageTest.sampleTrials(1).get(0)));
            assertTrue(e.getMessage().contains("stayed locked"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + holder.pid()), e.getMessage());
        }
        holder.waitFor(30, TimeUnit.SECONDS);
        assertTrue(Files.exists(f));
    }
}
