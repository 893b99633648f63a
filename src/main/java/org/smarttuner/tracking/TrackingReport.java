package org.smarttuner.tracking;

import java.util.List;

/**
 * What {@link StudyTracker#close} could not deliver.
 *
 * @param sent        entries (metric points, params, tags, artifacts, run changes) the server took
 * @param unsent      everything still queued at the flush deadline and everything the server refused
 *                    for good, in the order it was recorded
 * @param overflowed  entries that did not fit the bounded queue while the server was unreachable;
 *                    each was handed to the overflow sink when it happened (not repeated here)
 * @param requests    HTTP requests the tracker made to the server (what a study or a resume costs it)
 */
public record TrackingReport(long sent, List<UnsentItem> unsent, long overflowed, long requests) {
    public TrackingReport {
        unsent = List.copyOf(unsent);
    }

    public TrackingReport(long sent, List<UnsentItem> unsent, long overflowed) {
        this(sent, unsent, overflowed, 0);
    }

    public static TrackingReport empty() {
        return new TrackingReport(0, List.of(), 0);
    }

    /** True when everything recorded reached the server. */
    public boolean complete() {
        return unsent.isEmpty() && overflowed == 0;
    }

    /** One line for the job's log. */
    public String summary() {
        return complete() ? "MLflow: all " + sent + " entries sent"
                : "MLflow: " + sent + " entries sent, " + unsent.size() + " not sent (listed in the report)"
                + (overflowed == 0 ? "" : ", " + overflowed + " handed to the overflow sink (queue full)");
    }
}
