package org.smarttuner.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.smarttuner.storage.SqliteStudyStorage;
import org.smarttuner.storage.StudyInfo;
import org.smarttuner.study.FrozenTrial;

/** Reads a study from an SQLite study file (Optuna's schema) for the report and status commands. */
public final class StoredStudies {
    private StoredStudies() {
    }

    /**
     * @throws MissingStudyException when the file or the study does not exist (a usage error: the
     *         file is never created by reading it)
     */
    public static StoredStudy fromSqlite(Path file, String study) {
        if (!Files.isRegularFile(file)) {
            throw new MissingStudyException("no SQLite study file at " + file.toAbsolutePath()
                    + " (give the path of output.sqlite_path, e.g. work/study.db)");
        }
        try (SqliteStudyStorage st = SqliteStudyStorage.open(file)) {
            Optional<StudyInfo> info = st.findStudy(study);
            if (info.isEmpty()) {
                List<String> names = st.studies().stream().map(StudyInfo::name).toList();
                throw new MissingStudyException("no study named '" + study + "' in " + file + "; studies there: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
            List<FrozenTrial> trials = st.trials(study);
            Map<Integer, Instant> seen = new HashMap<>(st.heartbeats(study));
            Optional<Instant> last = Optional.empty();
            for (FrozenTrial t : trials) {
                Instant latest = latest(t, seen.get(t.number()));
                if (latest != null) {
                    seen.put(t.number(), latest);
                    last = last.isEmpty() || latest.isAfter(last.get()) ? Optional.of(latest) : last;
                }
            }
            return new StoredStudy(study, Optional.of(info.get().direction()), trials, seen, last,
                    "SQLite study file " + file);
        }
    }

    private static Instant latest(FrozenTrial t, Instant heartbeat) {
        Instant l = heartbeat;
        for (Optional<Instant> i : List.of(t.start(), t.complete())) {
            if (i.isPresent() && (l == null || i.get().isAfter(l))) {
                l = i.get();
            }
        }
        return l;
    }
}
