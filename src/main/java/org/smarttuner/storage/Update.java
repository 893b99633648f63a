package org.smarttuner.storage;

import java.util.List;
import org.smarttuner.study.FrozenTrial;

/** What an atomic read-modify-write of a study produced: the trials to write, and a result for the caller. */
public record Update<T>(List<FrozenTrial> changed, T result) {
    public Update {
        changed = List.copyOf(changed);
    }
}
