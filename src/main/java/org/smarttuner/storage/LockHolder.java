package org.smarttuner.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Best effort, Linux only: which other process holds a lock on the study file (or its WAL
 * index), read from /proc/locks, so "database is locked" can say who holds it.
 */
final class LockHolder {
    private LockHolder() {
    }

    static Optional<String> describe(Path db) {
        Path locks = Path.of("/proc/locks");
        if (!Files.isReadable(locks)) {
            return Optional.empty();
        }
        try {
            List<Long> inodes = new ArrayList<>();
            for (Path p : List.of(db, Path.of(db + "-shm"), Path.of(db + "-wal"))) {
                if (Files.exists(p)) {
                    inodes.add(((Number) Files.getAttribute(p, "unix:ino")).longValue());
                }
            }
            long self = ProcessHandle.current().pid();
            List<String> holders = new ArrayList<>();
            for (String line : Files.readAllLines(locks, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split("\\s+");
                // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 0 EOF"
                if (f.length < 6 || !f[3].equals("WRITE")) {
                    continue;
                }
                String[] dev = f[5].split(":");
                long pid;
                long ino;
                try {
                    pid = Long.parseLong(f[4]);
                    ino = Long.parseLong(dev[dev.length - 1]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && inodes.contains(ino)) {
                    String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
                    String d = "pid " + pid + " (" + (cmd.length() > 120 ? cmd.substring(0, 120) + "..." : cmd) + ")";
                    if (!holders.contains(d)) {
                        holders.add(d);
                    }
                }
            }
            return holders.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", holders));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
