package org.smarttuner.cli.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a benchmark's child process (the Ray Tune peer) to its end: output and errors to a log file,
 * the environment inherited plus a few variables, a time limit. Neither a hung child nor an
 * interrupted or shut-down JVM leaves its process tree running: Ray starts a GCS server, a raylet
 * and workers below the script, and those are killed with it.
 */
public final class ChildProcess {
    /** How many of the log's last lines a failure shows. */
    public static final int TAIL_LINES = 20;

    private ChildProcess() {
    }

    /**
     * Runs {@code command} in the current directory and waits for it.
     *
     * @param what  the child as messages name it ("the Ray Tune run of seed 1")
     * @param env   variables set on top of this JVM's environment
     * @param log   where stdout and stderr go (replaced)
     * @param limit how long it may run before it is killed
     * @throws IllegalStateException when it exits non-zero or runs past the limit, naming the command and the
     *                               log's last lines
     */
    public static void run(String what, List<String> command, Map<String, String> env, Path log, Duration limit) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().putAll(env);
        Process p;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + what + ": " + String.join(" ", command) + ": "
                    + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> killTree(p.toHandle()), "kill " + what);
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ended = false;
        // Every process seen below the child: what is still alive after it exits was left behind (a raylet
        // whose driver did not shut Ray down) and is killed too. A handle knows its process's start time, so
        // a reused pid is never hit.
        java.util.Set<ProcessHandle> seen = new java.util.HashSet<>();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (!ended && System.nanoTime() < deadline) {
                p.descendants().forEach(seen::add);
                ended = p.waitFor(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            killTree(p.toHandle());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what + "; it was killed", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it kills the child
            }
        }
        if (!ended) {
            killTree(p.toHandle());
        }
        seen.stream().filter(ChildProcess::running).forEach(ChildProcess::killTree);
        if (!ended) {
            throw new IllegalStateException(what + " was still running after " + seconds(limit) + " s and was killed "
                    + "with its child processes: " + String.join(" ", command) + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ": "
                    + String.join(" ", command) + tail(log));
        }
    }

    /**
     * Kills a process and every process below it. The descendants are listed first: once their parent is
     * gone they belong to init and are no longer found through it.
     */
    public static void killTree(ProcessHandle root) {
        List<ProcessHandle> below = root.descendants().toList();
        root.destroyForcibly();
        below.forEach(ProcessHandle::destroyForcibly);
        List<ProcessHandle> all = new ArrayList<>(below);
        all.add(root);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (all.stream().anyMatch(ChildProcess::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the kills were sent
            }
        }
    }

    /**
     * Alive and not a zombie: a killed grandchild whose parent died first belongs to init, and an init that
     * does not reap (a container's) leaves it a zombie, dead but still "alive" to Java.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", String.valueOf(h.pid()), "stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 1).trim().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return !Files.isDirectory(Path.of("/proc")) && h.isAlive(); // no procfs: Java's word
        }
    }

    /** "\nthe last N lines of LOG:\n..." (only the file's last 64 KiB are read: Ray's logs run long). */
    static String tail(Path log) {
        List<String> lines = lastLines(log, TAIL_LINES);
        return lines.isEmpty() ? "\n(" + log + " is empty)"
                : "\nthe last " + lines.size() + " lines of " + log + ":\n" + String.join("\n", lines);
    }

    static List<String> lastLines(Path log, int n) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long size = f.length();
            int len = (int) Math.min(size, 64 * 1024);
            byte[] b = new byte[len];
            f.seek(size - len);
            f.readFully(b);
            List<String> lines = Arrays.stream(new String(b, StandardCharsets.UTF_8).split("\r?\n|\r"))
                    .filter(l -> !l.isBlank()).toList();
            if (len < size && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first was cut
            }
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.valueOf(d.toMillis() / 1000.0);
    }
}
