package org.smarttuner.tracking;

import java.util.List;
import java.util.Map;

/** One log-batch request's content, within MLflow's limits and without duplicate keys. */
record Batch(List<MetricPoint> metrics, List<Map.Entry<String, String>> params, List<Map.Entry<String, String>> tags) {
    Batch {
        metrics = List.copyOf(metrics);
        params = List.copyOf(params);
        tags = List.copyOf(tags);
    }

    int size() {
        return metrics.size() + params.size() + tags.size();
    }
}
