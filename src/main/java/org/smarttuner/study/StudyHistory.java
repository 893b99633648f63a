package org.smarttuner.study;

import java.util.List;
import java.util.Map;
import org.smarttuner.study.distribution.Distribution;

/**
 * What samplers and pruners see: the study's name and direction and its trials in number order.
 * They are pure functions of this, so a study rebuilt from stored trials continues exactly.
 */
public record StudyHistory(String studyName, StudyDirection direction, List<FrozenTrial> trials) {

    public StudyHistory {
        trials = List.copyOf(trials);
    }

    public List<FrozenTrial> withState(TrialState... states) {
        return trials.stream().filter(t -> {
            for (TrialState s : states) {
                if (t.state() == s) {
                    return true;
                }
            }
            return false;
        }).toList();
    }

    /** Trials in the given states that carry every parameter of the space. */
    public List<FrozenTrial> usable(Map<String, Distribution> space, TrialState... states) {
        return withState(states).stream().filter(t -> t.hasParams(space)).toList();
    }

    /** This history without one trial (the one being sampled). */
    public StudyHistory without(int number) {
        return new StudyHistory(studyName, direction, trials.stream().filter(t -> t.number() != number).toList());
    }
}
