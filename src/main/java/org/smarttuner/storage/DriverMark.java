package org.smarttuner.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The mark a running {@code tune} leaves on its study in the study file (the study system attribute
 * {@value #KEY}): who drives it (host, process, since when, the Delta tables it records to), a heartbeat
 * renewed on every write, and whether it has ended. The ask/tell commands read it: while a driver runs,
 * it owns the study's trials, and an ask or tell beside it would write trials it then overwrites (or the
 * other way round), so they are refused, naming the driver.
 *
 * <p>A driver is taken as running while its mark is not released and, on this host, its process is
 * alive; on another host, while its heartbeat is younger than {@link #OTHER_HOST_STALE}.
 */
public record DriverMark(String host, long pid, Instant since, Instant heartbeat, String deltaPath,
                         boolean released) {
    public static final String KEY = "smart_tuner:driver";
    public static final Duration OTHER_HOST_STALE = Duration.ofMinutes(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("host", host);
        n.put("pid", pid);
        n.put("since", since.toString());
        n.put("heartbeat", heartbeat.toString());
        n.put("delta_path", deltaPath);
        n.put("released", released);
        return n.toString();
    }

    public static Optional<DriverMark> parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return Optional.of(new DriverMark(n.path("host").asText(), n.path("pid").asLong(),
                    Instant.parse(n.path("since").asText()), Instant.parse(n.path("heartbeat").asText()),
                    n.path("delta_path").asText(), n.path("released").asBoolean()));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public DriverMark beat(Instant now) {
        return new DriverMark(host, pid, since, now, deltaPath, released);
    }

    public DriverMark release(Instant now) {
        return new DriverMark(host, pid, since, now, deltaPath, true);
    }

    public boolean running(Instant now) {
        if (released) {
            return false;
        }
        if (host.equals(thisHost())) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return Duration.between(heartbeat, now).compareTo(OTHER_HOST_STALE) < 0;
    }

    /**
     * Refuses a command that would write the study's trials while a driver runs it.
     *
     * @throws IllegalStateException naming the driver
     */
    public static void refuseWhileDriven(SqliteStudyStorage storage, String study, String command) {
        Optional<DriverMark> mark = storage.studySystemAttr(study, KEY).flatMap(DriverMark::parse);
        Instant now = Instant.now();
        if (mark.isPresent() && mark.get().running(now)) {
            DriverMark m = mark.get();
            throw new IllegalStateException("study '" + study + "' in " + storage.file() + " is being run by "
                    + "smart-tuner tune (host " + m.host() + ", process " + m.pid() + ", since " + m.since()
                    + ", recording to " + m.deltaPath() + "); " + command + " would write trials that tune owns and "
                    + "the two would overwrite each other. Wait for tune to end (or stop it), or use another "
                    + "--study-name.");
        }
    }

    public static String thisHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "unknown-host" : env;
        }
    }
}
