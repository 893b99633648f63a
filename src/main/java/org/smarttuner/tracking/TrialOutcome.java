package org.smarttuner.tracking;

/** How a trial ended, and the MLflow run status each outcome maps onto. */
public enum TrialOutcome {
    COMPLETE("FINISHED"),
    PRUNED("KILLED"),
    FAIL("FAILED");

    private final String runStatus;

    TrialOutcome(String runStatus) {
        this.runStatus = runStatus;
    }

    /** MLflow's RunStatus name: FINISHED, KILLED or FAILED. */
    public String runStatus() {
        return runStatus;
    }
}
