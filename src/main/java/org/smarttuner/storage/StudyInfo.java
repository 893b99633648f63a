package org.smarttuner.storage;

import org.smarttuner.study.StudyDirection;

/** A study in a study file: its row id, name and direction. */
public record StudyInfo(long id, String name, StudyDirection direction) {
}
