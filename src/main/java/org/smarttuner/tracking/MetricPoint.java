package org.smarttuner.tracking;

/** One metric value at a step, stamped when it was recorded. */
record MetricPoint(String key, double value, long timestampMs, long step) {
}
