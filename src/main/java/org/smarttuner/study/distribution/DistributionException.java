package org.smarttuner.study.distribution;

/** A distribution whose definition is not valid (bounds, step, log scale, choices). */
public final class DistributionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DistributionException(String message) {
        super(message);
    }
}
