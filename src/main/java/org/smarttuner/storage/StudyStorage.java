package org.smarttuner.storage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.smarttuner.study.FrozenTrial;
import org.smarttuner.study.StudyDirection;

/**
 * Where studies and their trials are kept. Trials go in and come out as the study engine's
 * {@link FrozenTrial}s, so a study can be rebuilt with {@code Study.resume(..., trials(name))}.
 */
public interface StudyStorage extends AutoCloseable {

    /** Creates a study; fails if the name is taken. */
    StudyInfo createStudy(String name, StudyDirection direction);

    /** Opens a study, creating it if missing; fails if it exists with the other direction. */
    StudyInfo openOrCreateStudy(String name, StudyDirection direction);

    Optional<StudyInfo> findStudy(String name);

    List<StudyInfo> studies();

    /** Deletes a study and all its trials; fails if there is no such study. */
    void deleteStudy(String name);

    /** All trials of a study in number order (0..n-1). */
    List<FrozenTrial> trials(String study);

    /** Writes trials' full state (insert or replace) in one transaction. */
    void writeTrials(String study, List<FrozenTrial> trials);

    default void writeTrial(String study, FrozenTrial trial) {
        writeTrials(study, List.of(trial));
    }

    /**
     * Reads the study's trials and writes what {@code change} returns, in one write transaction:
     * no other writer (thread or process) can slip in between, so an ask numbers its trial right.
     */
    <T> T update(String study, Function<List<FrozenTrial>, Update<T>> change);

    /** Records that a RUNNING trial's worker is alive now. */
    void heartbeat(String study, int number);

    /**
     * Marks FAIL every RUNNING trial whose last heartbeat is older than {@code grace} and, for those
     * tried fewer than {@code maxRetries} times, enqueues the same parameters again. Returns the
     * failed trials.
     */
    List<FrozenTrial> failStaleTrials(String study, Duration grace, int maxRetries);

    @Override
    void close();
}
