package org.smarttuner.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study lease on a real local file system (the two-process case is in {@link KillNineTuneTest}). */
class StudyLeaseTest {
    @TempDir
    Path dir;

    private final Configuration conf = new Configuration();

    private String delta() {
        return dir.resolve("delta").toString();
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @Test
    void aSecondDriverIsRefusedWhileTheFirstHoldsTheLeaseAndTakesItOnceReleased() {
        StudyLease first = StudyLease.acquire(conf, delta(), "s", "tune");
        StudyLease.HeldException e = assertThrows(StudyLease.HeldException.class,
                () -> StudyLease.acquire(conf, delta(), "s", "tune"));
        assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
        assertTrue(e.getMessage().contains("host " + StudyLease.hostName()), e.getMessage());
        assertTrue(e.getMessage().contains("since "), e.getMessage());
        assertTrue(first.held());
        first.check();
        // another study beside it is independent
        try (StudyLease other = StudyLease.acquire(conf, delta(), "other study/with odd name", "tune")) {
            assertTrue(other.held());
        }
        first.close();
        try (StudyLease second = StudyLease.acquire(conf, delta(), "s", "tune")) {
            assertEquals(2, second.holder().generation());
            assertThrows(StudyLease.LostException.class, first::check, "a released lease writes nothing more");
        }
    }

    @Test
    void aDriverOfThisProcessThatStoppedWithoutReleasingIsTakenOverAtOnce() {
        StudyLease crashed = StudyLease.acquire(conf, delta(), "s", "tune");
        crashed.abandon(); // what TuneJob leaves behind when it dies mid-study
        try (StudyLease next = StudyLease.acquire(conf, delta(), "s", "tune")) {
            assertTrue(next.held());
        }
    }

    /** Writes a lease file as a driver on another host would have left it. */
    private void foreignLease(int generation, Instant heartbeat, Duration ran) throws Exception {
        Path folder = Path.of(StudyLease.folder(delta(), "s").toUri().getPath());
        Files.createDirectories(folder);
        String json = """
                {"generation": %d, "token": "t-%d", "host": "gpu-driver-7", "pid": 4242, "pid_start": null,
                 "command": "smart-tuner tune", "since": "%s", "heartbeat": "%s", "released": false,
                 "prior_running_ms": %d}""".formatted(generation, generation, heartbeat.minus(ran), heartbeat,
                0);
        Files.writeString(folder.resolve(String.format("lease-%09d.json", generation)), json, StandardCharsets.UTF_8);
    }

    @Test
    void aHolderOnAnotherHostIsTakenOverOnlyOnceItsHeartbeatIsStaleAndItsTimeCounts() throws Exception {
        MovingClock clock = new MovingClock();
        foreignLease(3, clock.instant().minusSeconds(20), Duration.ofMinutes(7));
        StudyLease.HeldException e = assertThrows(StudyLease.HeldException.class, () -> StudyLease.acquire(conf,
                delta(), "s", "tune", clock, Duration.ofSeconds(60), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("host gpu-driver-7, process 4242"), e.getMessage());
        assertTrue(e.getMessage().contains("last heartbeat 20 s ago"), e.getMessage());
        assertTrue(e.getMessage().contains("in about 40 s"), e.getMessage());
        clock.now.set(clock.instant().plusSeconds(45));
        try (StudyLease lease = StudyLease.acquire(conf, delta(), "s", "tune", clock, Duration.ofSeconds(60),
                Duration.ofSeconds(10))) {
            assertEquals(4, lease.holder().generation());
            assertEquals(Duration.ofMinutes(7), lease.priorRunning(), "the crashed driver's running time is kept");
        }
    }

    @Test
    void aHolderWhoseLeaseIsTakenOverStopsWritingAtItsNextHeartbeat() throws Exception {
        StudyLease lease = StudyLease.acquire(conf, delta(), "s", "tune", Clock.systemUTC(), Duration.ofSeconds(60),
                Duration.ofMillis(200));
        try {
            // another driver (on a file system without atomic create, or after a long pause) wrote generation 2
            foreignLease(2, Instant.now(), Duration.ZERO);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (lease.held() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(lease.held());
            StudyLease.LostException e = assertThrows(StudyLease.LostException.class, lease::check);
            assertTrue(e.getMessage().contains("gpu-driver-7"), e.getMessage());
        } finally {
            lease.close();
        }
        Optional<StudyLease.Holder> newest = StudyLease.newest(conf, delta(), "s");
        assertEquals("t-2", newest.orElseThrow().token(), "the loser does not overwrite the winner's file");
    }

    @Test
    void aProcessOnThisHostThatDiedIsTakenOverAtOnce() throws Exception {
        Process p = new ProcessBuilder("sleep", "0").start();
        p.waitFor();
        Path folder = Path.of(StudyLease.folder(delta(), "s").toUri().getPath());
        Files.createDirectories(folder);
        Instant now = Instant.now();
        Files.writeString(folder.resolve("lease-000000001.json"), """
                {"generation": 1, "token": "dead", "host": "%s", "pid": %d, "pid_start": null,
                 "command": "smart-tuner tune", "since": "%s", "heartbeat": "%s", "released": false,
                 "prior_running_ms": 0}""".formatted(StudyLease.hostName(), p.pid(), now, now));
        try (StudyLease lease = StudyLease.acquire(conf, delta(), "s", "tune")) {
            assertEquals(2, lease.holder().generation());
        }
        assertEquals(List.of("lease-000000002.json"), List.of(folder.toFile().list()),
                "older generations are removed");
    }
}
