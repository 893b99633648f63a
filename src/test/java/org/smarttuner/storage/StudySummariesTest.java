package org.smarttuner.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;
import org.smarttuner.study.TrialState;

/** Study names, summaries and study user attributes, as Optuna's CLI lists and sets them. */
class StudySummariesTest {
    @TempDir
    Path dir;

    @Test
    void summariesListEveryStudyWithItsTrialsAndAttributes() throws Exception {
        Path f = dir.resolve("s.db");
        Instant early = Instant.parse("2026-03-04T05:06:07.890123Z");
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            st.createStudy("b", StudyDirection.MINIMIZE);
            st.createStudy("a", StudyDirection.MAXIMIZE);
            st.writeTrials("b", List.of(FrozenTrial.create(0, TrialState.RUNNING, Optional.of(early.plusSeconds(5))),
                    FrozenTrial.create(1, TrialState.RUNNING, Optional.of(early)),
                    FrozenTrial.create(2, TrialState.WAITING, Optional.empty())));
            st.setStudyUserAttr("b", "owner", "tts team");
            st.setStudyUserAttr("b", "n", 3);
            st.setStudyUserAttr("b", "owner", "voice team");
        }
        // a second objective, as Optuna writes a multi-objective study: listed, never opened
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO study_directions (direction, study_id, objective) VALUES ('MAXIMIZE', 2, 1)");
        }
        try (SqliteStudyStorage st = SqliteStudyStorage.open(f)) {
            assertEquals(List.of("b", "a"), st.studyNames(), "in the order they were created");
            List<StudySummary> all = st.summaries();
            assertEquals(2, all.size());
            StudySummary b = all.get(0);
            assertEquals("b", b.name());
            assertEquals(List.of("MINIMIZE"), b.directions());
            assertEquals(3, b.nTrials());
            assertEquals(Optional.of(early), b.start(), "the earliest trial start");
            assertEquals(List.of("owner", "n"), List.copyOf(b.userAttrs().keySet()), "a key set again keeps its place");
            assertEquals("voice team", b.userAttrs().get("owner"));
            assertEquals(3, b.userAttrs().get("n"));
            StudySummary a = all.get(1);
            assertEquals(List.of("MAXIMIZE", "MAXIMIZE"), a.directions());
            assertEquals(0, a.nTrials());
            assertEquals(Optional.empty(), a.start());
            assertEquals(Map.of(), a.userAttrs());
            assertEquals(b.userAttrs(), st.studyUserAttrs("b"));
            StorageException e = assertThrows(StorageException.class, () -> st.setStudyUserAttr("c", "k", "v"));
            assertTrue(e.getMessage().contains("no study named 'c'") && e.getMessage().contains("b, a"),
                    e.getMessage());
        }
    }
}
