package org.smarttuner.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.smarttuner.spark.DriverWatch;
import org.smarttuner.spark.results.ResultTables;
import org.smarttuner.study.TrialState;

/** One line of {@code bench driver}'s report: a window's figures beside the study's totals. */
public record DriverRow(double elapsedSeconds, long finished, long complete, long pruned, long failed,
                        double trialsPerHour, int segments, long startP50, long startP95, long recordedP50,
                        long recordedP95, long mirroredP95, double askP50Ms, double askP95Ms, int commits,
                        double rowsPerCommit, long eventsP50, long metricsP50, long statesP50, long commitP95,
                        int merges, long mergeP50, long heapBytes, long rssBytes, DeltaFiles delta) {

    public static final String HEADER = "elapsed  finished (complete/pruned/failed)  trials/h  segments  "
            + "submit->start p50/p95 ms  end->recorded p50/p95 ms  end->mirrored p95 ms  ask p50/p95 ms  "
            + "commits (rows each)  commit ms p50 events+metrics+states, p95 total  trials MERGEs (ms p50)  "
            + "heap MB  RSS MB  active files trials/states/events/metrics  on disk: data files / log files / MB";

    /**
     * The files a read of each table opens (its snapshot's active files: trials, states, events, metrics), and
     * what lies on disk under the Delta folder: data files (old ones stay until a VACUUM), log files, bytes.
     */
    public record DeltaFiles(long trials, long states, long events, long metrics, long dataFiles, long logFiles,
                             long bytes) {
    }

    /** What the previous line counted, for the window's rate. */
    public static final class Previous {
        double seconds;
        long finished;
    }

    public static DriverRow of(double elapsed, Map<TrialState, Long> counts, DriverWatch.Window w, long heap, long rss,
                               DeltaFiles delta, Previous previous) {
        long complete = counts.getOrDefault(TrialState.COMPLETE, 0L);
        long pruned = counts.getOrDefault(TrialState.PRUNED, 0L);
        long failed = counts.getOrDefault(TrialState.FAIL, 0L);
        long finished = complete + pruned + failed;
        double window = elapsed - previous.seconds;
        double rate = window > 0 ? (finished - previous.finished) * 3600.0 / window : 0;
        previous.seconds = elapsed;
        previous.finished = finished;
        return new DriverRow(elapsed, finished, complete, pruned, failed, rate, w.endToRecorded().size(),
                DriverWatch.Window.percentile(w.submitToStart(), 50), DriverWatch.Window.percentile(w.submitToStart(), 95),
                DriverWatch.Window.percentile(w.endToRecorded(), 50), DriverWatch.Window.percentile(w.endToRecorded(), 95),
                DriverWatch.Window.percentile(w.endToMirrored(), 95),
                DriverWatch.Window.percentile(w.askMicros(), 50) / 1000.0,
                DriverWatch.Window.percentile(w.askMicros(), 95) / 1000.0, w.commits().size(),
                w.commits().isEmpty() ? 0 : (double) w.rows() / w.commits().size(),
                DriverWatch.Window.percentile(w.commits().stream().map(c -> c.events()).toList(), 50),
                DriverWatch.Window.percentile(w.commits().stream().map(c -> c.metrics()).toList(), 50),
                DriverWatch.Window.percentile(w.commits().stream().map(c -> c.states()).toList(), 50),
                DriverWatch.Window.percentile(w.commits().stream().map(c -> c.total()).toList(), 95),
                w.trialsMerges().size(), DriverWatch.Window.percentile(w.trialsMerges(), 50), heap, rss, delta);
    }

    public String line() {
        return String.format(Locale.ROOT, "%6.0fs  %5d (%d/%d/%d)  %8.0f  %8d  %6d / %-6d  %6d / %-6d  %6d  %6.1f / %-6.1f"
                + "  %4d (%.0f)  %d+%d+%d, %d  %4d (%d)  %6.0f  %6.0f  %d/%d/%d/%d  %d / %d / %.1f", elapsedSeconds,
                finished, complete, pruned, failed, trialsPerHour, segments, startP50, startP95, recordedP50, recordedP95,
                mirroredP95, askP50Ms, askP95Ms, commits, rowsPerCommit, eventsP50, metricsP50, statesP50, commitP95,
                merges, mergeP50, heapBytes / 1048576.0, rssBytes / 1048576.0, delta.trials(), delta.states(),
                delta.events(), delta.metrics(), delta.dataFiles(), delta.logFiles(), delta.bytes() / 1048576.0);
    }

    /** Counts the files of the Delta tables under {@code root}; {@code active} gives a table's snapshot's count. */
    public static DeltaFiles files(Path root, java.util.function.ToLongFunction<String> active) {
        long data = 0;
        long log = 0;
        long bytes = 0;
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".crc")) {
                        continue;
                    }
                    bytes += Files.size(p);
                    if (p.toString().contains("/_delta_log/")) {
                        log++;
                    } else if (name.endsWith(".parquet")) {
                        data++;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                // a file removed while walking (a compaction's clean-up): count what was seen
            }
        }
        return new DeltaFiles(active.applyAsLong(ResultTables.TRIALS), active.applyAsLong(ResultTables.STATES),
                active.applyAsLong(ResultTables.EVENTS),
                active.applyAsLong(ResultTables.METRICS), data, log, bytes);
    }
}
