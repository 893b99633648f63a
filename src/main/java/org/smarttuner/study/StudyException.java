package org.smarttuner.study;

/** A request the study cannot serve: unknown trial, wrong state, bad value or search space. */
public final class StudyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public StudyException(String message) {
        super(message);
    }
}
