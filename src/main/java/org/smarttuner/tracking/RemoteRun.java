package org.smarttuner.tracking;

import java.util.List;
import java.util.Map;

/** A run as the server has it: what a resumed study must not log again. */
record RemoteRun(String runId, String experimentId, String artifactUri, String status, Map<String, String> params,
                 Map<String, String> tags, List<String> metricKeys) {
}
