package org.smarttuner.spark;

import java.io.Serializable;

/**
 * The work a Spark task does for one segment. {@link TrialRunner} trains Tacotron2; tests of the
 * driver's bookkeeping may plug in a cheaper function. Runs on an executor: it must not touch the
 * study's stores.
 */
@FunctionalInterface
public interface SegmentWork extends Serializable {
    SegmentOutcome run(SegmentRequest request) throws Exception;
}
