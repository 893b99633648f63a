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
    /** A process holding a write lock: its id and command line (cut to 120 characters). */
    record Holder(long pid, String command) {
        @Override
        public String toString() {
            return "pid " + pid + " (" + command + ")";
        }
    }

    private LockHolder() {
    }

    static Optional<String> describe(Path db) {
        List<Holder> holders = holders(db);
        return holders.isEmpty() ? Optional.empty()
                : Optional.of(String.join(", ", holders.stream().map(Holder::toString).toList()));
    }

    static List<Holder> holders(Path db) {
        Path locks = Path.of("/proc/locks");
        if (!Files.isReadable(locks)) {
            return List.of();
        }
        try {
            List<Long> inodes = new ArrayList<>();
            for (Path p : List.of(db, Path.of(db + "-shm"), Path.of(db + "-wal"), Path.of(db + "-journal"))) {
                if (Files.exists(p)) {
                    inodes.add(((Number) Files.getAttribute(p, "unix:ino")).longValue());
                }
            }
            long self = ProcessHandle.current().pid();
            List<Holder> holders = new ArrayList<>();
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
                if (pid != self && inodes.contains(ino) && holders.stream().noneMatch(h -> h.pid() == pid)) {
                    String cmd = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
                    holders.add(new Holder(pid, cmd.length() > 120 ? cmd.substring(0, 120) + "..." : cmd));
                }
            }
            return List.copyOf(holders);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return List.of();
        }
    }
}
