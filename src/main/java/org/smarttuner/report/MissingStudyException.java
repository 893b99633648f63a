package org.smarttuner.report;

/** The store or the study asked for does not exist (the command was pointed at the wrong place). */
public final class MissingStudyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MissingStudyException(String message) {
        super(message);
    }
}
