package org.smarttuner.report;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;

/**
 * A study as its stores hold it, for the report and status commands: the trials, when each was
 * last heard of (the trials-table row update in Delta, the heartbeat in the SQLite file), and the
 * time of the last recorded event of the study.
 *
 * @param direction  the stored direction; empty where the store does not keep one (Delta)
 * @param source     where it was read, for messages (e.g. "Delta tables at work/delta")
 * @param lastSeen   per trial number, the latest time the driver recorded anything about it
 */
public record StoredStudy(String name, Optional<StudyDirection> direction, List<FrozenTrial> trials,
                          Map<Integer, Instant> lastSeen, Optional<Instant> lastEvent, String source) {
    public StoredStudy {
        trials = List.copyOf(trials);
        lastSeen = Map.copyOf(lastSeen);
    }
}
